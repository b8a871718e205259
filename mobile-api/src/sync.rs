//! `POST /api/v1/sync`: Automerge sync messages for many material lists (材料清单) in one request.
//!
//! The body is JSON (`application/json`, messages in standard base64) or the binary framing in
//! [`frame`] (`application/vnd.juanzong.sync`), which saves the base64 overhead on weak networks.
//! The server replies in the format the request used.
//!
//! One round: the phone sends, for each list, the message its sync state generates (or `None`
//! to ask for the server's side only); the server applies it and replies with its own message.
//! The phone repeats rounds until neither side has anything to send.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Content type of the binary framing.
pub const BINARY_CONTENT_TYPE: &str = "application/vnd.juanzong.sync";

/// The request body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncRequest {
    pub documents: Vec<DocumentMessage>,
}

/// One list's message from the phone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocumentMessage {
    pub list_id: Uuid,
    /// An encoded Automerge sync message, or `None` when the phone has nothing to send.
    #[serde(with = "base64_option", default)]
    pub message: Option<Vec<u8>>,
}

/// The response body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncResponse {
    pub documents: Vec<DocumentReply>,
}

/// The server's reply for one list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocumentReply {
    pub list_id: Uuid,
    /// The server's sync message, or `None` when the phone is up to date.
    #[serde(with = "base64_option", default)]
    pub message: Option<Vec<u8>>,
    /// Rule notices: edits of this phone that broke a rule and were undone by the server.
    #[serde(default)]
    pub notices: Vec<SyncNotice>,
    /// The server document's heads after this round, as hex change hashes.
    #[serde(default)]
    pub heads: Vec<String>,
    /// Set when this list could not be synced; the other lists of the request were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ErrorBody>,
}

/// An edit the server undid, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncNotice {
    /// Stable code such as `LIST_FROZEN`.
    pub code: String,
    /// Chinese explanation for the officer.
    pub message: String,
    /// The item concerned, if the rule is about one item.
    #[serde(default)]
    pub item_id: Option<Uuid>,
}

mod base64_option {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => serializer.serialize_some(&STANDARD.encode(bytes)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(deserializer)?;
        text.map(|text| STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// The binary framing of sync requests and responses.
///
/// All integers are big-endian. A body is the magic `JZS1`, a `u32` count of entries, then each
/// entry: the list id (16 bytes), a `u32` message length with `0xFFFF_FFFF` meaning no message,
/// the message bytes, then a `u32` length and that many bytes of JSON metadata (`{}` in
/// requests; in responses the [`DocumentReply`] without its message).
pub mod frame {
    use uuid::Uuid;

    use super::{DocumentMessage, DocumentReply, SyncRequest, SyncResponse};

    const MAGIC: &[u8; 4] = b"JZS1";
    const NO_MESSAGE: u32 = u32::MAX;
    /// Maximum number of entries in one body, which bounds the work a forged count can cause.
    pub const MAX_ENTRIES: usize = 1_000;

    /// Failure to read a binary body.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum FrameError {
        #[error("二进制同步数据格式无效：{0}")]
        Invalid(&'static str),
    }

    fn put_entry(out: &mut Vec<u8>, list_id: &Uuid, message: Option<&[u8]>, metadata: &[u8]) {
        out.extend_from_slice(list_id.as_bytes());
        match message {
            Some(bytes) => {
                out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
                out.extend_from_slice(bytes);
            }
            None => out.extend_from_slice(&NO_MESSAGE.to_be_bytes()),
        }
        out.extend_from_slice(&(metadata.len() as u32).to_be_bytes());
        out.extend_from_slice(metadata);
    }

    struct Reader<'a> {
        bytes: &'a [u8],
    }

    impl<'a> Reader<'a> {
        fn take(&mut self, count: usize) -> Result<&'a [u8], FrameError> {
            if self.bytes.len() < count {
                return Err(FrameError::Invalid("数据被截断"));
            }
            let (head, rest) = self.bytes.split_at(count);
            self.bytes = rest;
            Ok(head)
        }

        fn u32(&mut self) -> Result<u32, FrameError> {
            let bytes = self.take(4)?;
            Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }

        fn entry(&mut self) -> Result<(Uuid, Option<Vec<u8>>, &'a [u8]), FrameError> {
            let id = Uuid::from_slice(self.take(16)?).map_err(|_| FrameError::Invalid("清单编号无效"))?;
            let length = self.u32()?;
            let message = if length == NO_MESSAGE {
                None
            } else {
                Some(self.take(length as usize)?.to_vec())
            };
            let metadata_length = self.u32()? as usize;
            let metadata = self.take(metadata_length)?;
            Ok((id, message, metadata))
        }
    }

    fn read_header<'a>(bytes: &'a [u8]) -> Result<(Reader<'a>, usize), FrameError> {
        let mut reader = Reader { bytes };
        if reader.take(4)? != MAGIC {
            return Err(FrameError::Invalid("缺少 JZS1 标识"));
        }
        let count = reader.u32()? as usize;
        if count > MAX_ENTRIES {
            return Err(FrameError::Invalid("清单数量过多"));
        }
        Ok((reader, count))
    }

    pub fn encode_request(request: &SyncRequest) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(request.documents.len() as u32).to_be_bytes());
        for document in &request.documents {
            put_entry(&mut out, &document.list_id, document.message.as_deref(), b"{}");
        }
        out
    }

    pub fn decode_request(bytes: &[u8]) -> Result<SyncRequest, FrameError> {
        let (mut reader, count) = read_header(bytes)?;
        let mut documents = Vec::with_capacity(count);
        for _ in 0..count {
            let (list_id, message, _) = reader.entry()?;
            documents.push(DocumentMessage { list_id, message });
        }
        if !reader.bytes.is_empty() {
            return Err(FrameError::Invalid("数据末尾有多余字节"));
        }
        Ok(SyncRequest { documents })
    }

    pub fn encode_response(response: &SyncResponse) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(response.documents.len() as u32).to_be_bytes());
        for reply in &response.documents {
            let metadata = DocumentReply {
                message: None,
                ..reply.clone()
            };
            let json = serde_json::to_vec(&metadata).unwrap_or_else(|_| b"{}".to_vec());
            put_entry(&mut out, &reply.list_id, reply.message.as_deref(), &json);
        }
        out
    }

    pub fn decode_response(bytes: &[u8]) -> Result<SyncResponse, FrameError> {
        let (mut reader, count) = read_header(bytes)?;
        let mut documents = Vec::with_capacity(count);
        for _ in 0..count {
            let (list_id, message, metadata) = reader.entry()?;
            let mut reply: DocumentReply = serde_json::from_slice(metadata)
                .map_err(|_| FrameError::Invalid("元数据不是有效的 JSON"))?;
            reply.list_id = list_id;
            reply.message = message;
            documents.push(reply);
        }
        Ok(SyncResponse { documents })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn request_round_trips() {
            let request = SyncRequest {
                documents: vec![
                    DocumentMessage { list_id: Uuid::new_v4(), message: Some(vec![1, 2, 3]) },
                    DocumentMessage { list_id: Uuid::new_v4(), message: None },
                ],
            };
            assert_eq!(decode_request(&encode_request(&request)).unwrap(), request);
        }

        #[test]
        fn response_round_trips() {
            let response = SyncResponse {
                documents: vec![DocumentReply {
                    list_id: Uuid::new_v4(),
                    message: Some(vec![9; 40]),
                    notices: vec![super::super::SyncNotice {
                        code: "LIST_FROZEN".into(),
                        message: "清单已移送，不能再修改".into(),
                        item_id: None,
                    }],
                    heads: vec!["ab".into()],
                    error: None,
                }],
            };
            assert_eq!(decode_response(&encode_response(&response)).unwrap(), response);
        }

        #[test]
        fn truncated_and_forged_bodies_fail_cleanly() {
            let request = SyncRequest {
                documents: vec![DocumentMessage { list_id: Uuid::new_v4(), message: Some(vec![7; 10]) }],
            };
            let bytes = encode_request(&request);
            for cut in 0..bytes.len() {
                assert!(decode_request(&bytes[..cut]).is_err(), "cut at {cut}");
            }
            let mut forged = MAGIC.to_vec();
            forged.extend_from_slice(&u32::MAX.to_be_bytes());
            assert!(decode_request(&forged).is_err());
            let mut huge = MAGIC.to_vec();
            huge.extend_from_slice(&1u32.to_be_bytes());
            huge.extend_from_slice(&[0u8; 16]);
            huge.extend_from_slice(&(u32::MAX - 1).to_be_bytes());
            assert!(decode_request(&huge).is_err());
        }
    }
}
