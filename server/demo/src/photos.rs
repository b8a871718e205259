//! Sources of the demo's photos: generated papers, or a folder of real photos.
//!
//! A folder with a `MANIFEST.tsv` (columns `file` and `kind`, tab-separated) gives its document
//! photos (kinds starting with `doc-`) in manifest order. A folder without one gives its image
//! files by name. Photos from a folder show other papers than the scenario's, so OCR finds other
//! text on them; the scenario reports what it finds.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::DemoError;
use crate::images::{Document, PhotoStudio};

/// File endings taken from a folder without a manifest.
const IMAGE_ENDINGS: [&str; 7] = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "heic"];

/// Source of the demo's photos.
#[derive(Debug, Clone)]
pub enum PhotoSource {
    /// Print and photograph each paper (needs fonts-noto-cjk).
    Generate,
    /// Take photos from this folder, one per paper, in order.
    Folder(PathBuf),
}

/// One photo ready to attach.
#[derive(Debug, Clone)]
pub struct PhotoFile {
    pub path: PathBuf,
    /// Origin for the narration: the generated paper or the folder file.
    pub origin: String,
    /// Turn applied to a generated photo, in degrees; `None` for a folder photo.
    pub rotation_degrees: Option<f32>,
}

/// Makes or picks one photo per document, writing generated ones into `out_dir`.
pub fn photos_for(
    source: &PhotoSource,
    documents: &[(&str, Document)],
    out_dir: &Path,
) -> Result<Vec<PhotoFile>, DemoError> {
    match source {
        PhotoSource::Generate => generate(documents, out_dir),
        PhotoSource::Folder(folder) => {
            let files = folder_photos(folder)?;
            if files.len() < documents.len() {
                return Err(DemoError::NotEnoughPhotos {
                    path: folder.clone(),
                    found: files.len(),
                    needed: documents.len(),
                });
            }
            Ok(files
                .into_iter()
                .take(documents.len())
                .map(|path| PhotoFile {
                    origin: path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    path,
                    rotation_degrees: None,
                })
                .collect())
        }
    }
}

fn generate(documents: &[(&str, Document)], out_dir: &Path) -> Result<Vec<PhotoFile>, DemoError> {
    let studio = PhotoStudio::open()?;
    let mut photos = Vec::with_capacity(documents.len());
    for (seed, (name, document)) in documents.iter().enumerate() {
        let photo = studio.photograph(document, seed as u64 + 1)?;
        let path = out_dir.join(format!("{name}.jpg"));
        fs::write(&path, &photo.jpeg).map_err(|source| DemoError::WorkDir {
            path: path.clone(),
            source,
        })?;
        photos.push(PhotoFile {
            path,
            origin: format!(
                "生成的照片 {name}.jpg（{}×{}，{} KB）",
                photo.width,
                photo.height,
                photo.jpeg.len() / 1024
            ),
            rotation_degrees: Some(photo.rotation_degrees),
        });
    }
    Ok(photos)
}

/// Lists the document photos of a folder, from its manifest when it has one.
pub fn folder_photos(folder: &Path) -> Result<Vec<PathBuf>, DemoError> {
    let unreadable = |reason: String| DemoError::PhotoFolder {
        path: folder.to_path_buf(),
        reason,
    };
    let manifest = folder.join("MANIFEST.tsv");
    if manifest.exists() {
        let text = fs::read_to_string(&manifest)
            .map_err(|error| unreadable(format!("MANIFEST.tsv：{error}")))?;
        return manifest_photos(folder, &text).map_err(unreadable);
    }
    let entries = fs::read_dir(folder).map_err(|error| unreadable(error.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| unreadable(error.to_string()))?.path();
        let ending = path
            .extension()
            .map(|ending| ending.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if path.is_file() && IMAGE_ENDINGS.contains(&ending.as_str()) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads the `doc-` rows of a manifest, in order.
fn manifest_photos(folder: &Path, text: &str) -> Result<Vec<PathBuf>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|cell| *cell == name)
            .ok_or_else(|| format!("MANIFEST.tsv 的表头缺少“{name}”列"))
    };
    let (file_column, kind_column) = (column("file")?, column("kind")?);
    let mut files = Vec::new();
    for line in lines.filter(|line| !line.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(kind)) = (cells.get(file_column), cells.get(kind_column)) else {
            continue;
        };
        let path = folder.join(file);
        if kind.starts_with("doc-") && path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_rows_of_documents_in_order() {
        let folder = tempfile::tempdir().unwrap();
        for name in ["a.jpg", "b.png", "c.jpg"] {
            fs::write(folder.path().join(name), b"x").unwrap();
        }
        let manifest = "file\tsource\tkind\nc.jpg\tx\tdoc-phone\nb.png\tx\tblank\na.jpg\tx\tdoc-scan\nmissing.jpg\tx\tdoc-scan\n";
        let files = manifest_photos(folder.path(), manifest).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["c.jpg", "a.jpg"]);
    }

    #[test]
    fn manifest_without_kind_column_is_reported() {
        let error = manifest_photos(Path::new("."), "file\tsource\n").unwrap_err();
        assert!(error.contains("kind"), "{error}");
    }
}
