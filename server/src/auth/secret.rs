//! The JWT signing key: from the settings, or generated on first start and kept in a file that
//! only the owner can read. The key is never logged.

use std::fs;
use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use crate::config::Settings;

/// Failure to load or create the key. Messages are Chinese and name the file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("无法读取 JWT 密钥文件 {path}：{source}。请检查文件权限，或在配置中设置 jwt_secret。")]
    Read { path: String, source: std::io::Error },
    #[error("无法创建 JWT 密钥文件 {path}：{source}。请检查数据目录的权限。")]
    Write { path: String, source: std::io::Error },
    #[error("JWT 密钥文件 {path} 内容无效（应为至少 32 字节的 base64）。请删除该文件让服务器重新生成，或在配置中设置 jwt_secret。")]
    Invalid { path: String },
    #[error("JWT 密钥文件 {path} 的权限是 {mode:o}，其他用户也能读取。请运行 chmod 600 {path}。")]
    TooOpen { path: String, mode: u32 },
}

/// Returns the key bytes from the settings, the key file, or a newly generated key file.
pub fn load_or_create(settings: &Settings) -> Result<Vec<u8>, SecretError> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = settings.jwt_secret_path();
    if path.exists() {
        return read_key_file(&path);
    }
    create_key_file(&path)
}

fn read_key_file(path: &Path) -> Result<Vec<u8>, SecretError> {
    let path_text = path.display().to_string();
    check_permissions(path)?;
    let text = fs::read_to_string(path).map_err(|source| SecretError::Read {
        path: path_text.clone(),
        source,
    })?;
    let key = STANDARD
        .decode(text.trim())
        .map_err(|_| SecretError::Invalid { path: path_text.clone() })?;
    if key.len() < 32 {
        return Err(SecretError::Invalid { path: path_text });
    }
    Ok(key)
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|source| SecretError::Read {
            path: path.display().to_string(),
            source,
        })?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::TooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), SecretError> {
    Ok(())
}

/// Writes 64 random bytes, base64, to a new file with mode 0600. `create_new` makes two
/// processes starting together agree: the loser reads the winner's file.
fn create_key_file(path: &Path) -> Result<Vec<u8>, SecretError> {
    let path_text = path.display().to_string();
    let write_error = |source| SecretError::Write {
        path: path_text.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(write_error)?;
    }
    let mut key = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut key);

    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(STANDARD.encode(&key).as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(write_error)?;
            tracing::info!(path = %path_text, "generated a new JWT signing key");
            Ok(key)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(path),
        Err(error) => Err(write_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let first = load_or_create(&settings).unwrap();
        let second = load_or_create(&settings).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(first, second);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(settings.jwt_secret_path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn world_readable_key_file_is_rejected() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt-secret");
        fs::write(&path, STANDARD.encode([7u8; 64])).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(read_key_file(&path), Err(SecretError::TooOpen { .. })));
    }
}
