//! Strict reading of the change data a sync message carries.
//!
//! Each entry of a message's change list contains one or more Automerge storage chunks in a row:
//! a single change (V1 messages), several changes (V2 messages built from changes), or a whole
//! saved document (a V2 message to or from a peer far behind). Every chunk starts with a header:
//! 4 magic bytes, a 4-byte checksum, a 1-byte chunk type and the data length as unsigned LEB128.
//!
//! `load_incremental` in automerge 0.12 silently skips a chunk that does not parse, so a message
//! that passes this module has every chunk parsed and checked; nothing is skipped later.
//!
//! Invariant: [`read_changes`] returns an error for any input it cannot account for byte by byte.

use automerge::{
    ActorId, Automerge, Change, ChangeHash, LoadOptions, OnPartialLoad, VerificationMode,
};

/// First bytes of every Automerge storage chunk.
const MAGIC_BYTES: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;

/// Summary of the change data of one message.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangeSummary {
    /// Hash and actor of every change, those inside a carried document included, in message order.
    pub changes: Vec<(ChangeHash, ActorId)>,
    /// Whether at least one chunk is a whole saved document.
    pub carries_document: bool,
}

/// Reads one entry of a message's change list and adds its changes to `summary`. The error text is
/// for logs.
pub fn read_changes(entry: &[u8], summary: &mut ChangeSummary) -> Result<(), String> {
    let mut rest = entry;
    if rest.is_empty() {
        return Err("empty change entry".to_string());
    }
    while !rest.is_empty() {
        let (chunk_type, chunk_len) = read_header(rest)?;
        let chunk = &rest[..chunk_len];
        match chunk_type {
            CHUNK_CHANGE | CHUNK_COMPRESSED_CHANGE => read_change(chunk, summary)?,
            CHUNK_DOCUMENT => read_document(chunk, summary)?,
            // NOTE: bundle chunks (type 3) are rejected: automerge 0.12 never sends them in sync
            // messages and their format is marked experimental.
            other => {
                return Err(format!(
                    "chunk type {other} is not accepted in sync messages"
                ))
            }
        }
        rest = &rest[chunk_len..];
    }
    Ok(())
}

/// Reads a chunk header and returns the chunk type and the whole chunk length (header included).
fn read_header(bytes: &[u8]) -> Result<(u8, usize), String> {
    const FIXED_LEN: usize = 9;
    if bytes.len() < FIXED_LEN {
        return Err("truncated chunk header".to_string());
    }
    if bytes[..4] != MAGIC_BYTES {
        return Err("chunk does not start with the Automerge magic bytes".to_string());
    }
    let chunk_type = bytes[8];

    let mut length_field = &bytes[FIXED_LEN..];
    let available = length_field.len();
    let data_len = leb128::read::unsigned(&mut length_field)
        .map_err(|e| format!("invalid chunk length: {e}"))?;
    let header_len = FIXED_LEN + (available - length_field.len());
    let data_len = usize::try_from(data_len).map_err(|_| "chunk length too large".to_string())?;
    let total = header_len
        .checked_add(data_len)
        .ok_or_else(|| "chunk length too large".to_string())?;
    if total > bytes.len() {
        return Err(format!(
            "truncated chunk: header announces {total} bytes, {} present",
            bytes.len()
        ));
    }
    Ok((chunk_type, total))
}

fn read_change(chunk: &[u8], summary: &mut ChangeSummary) -> Result<(), String> {
    let change = Change::from_bytes(chunk.to_vec()).map_err(|e| format!("invalid change: {e}"))?;
    // The header checksum is the first 4 bytes of the change hash, for compressed chunks too.
    if chunk[4..8] != change.hash().as_ref()[..4] {
        return Err("change checksum does not match its content".to_string());
    }
    summary
        .changes
        .push((change.hash(), change.actor_id().clone()));
    Ok(())
}

fn read_document(chunk: &[u8], summary: &mut ChangeSummary) -> Result<(), String> {
    let options = LoadOptions::new()
        .on_partial_load(OnPartialLoad::Error)
        .verification_mode(VerificationMode::Check);
    let document = Automerge::load_with_options(chunk, options)
        .map_err(|e| format!("invalid document: {e}"))?;
    for change in document.get_changes(&[]) {
        summary
            .changes
            .push((change.hash(), change.actor_id().clone()));
    }
    summary.carries_document = true;
    Ok(())
}
