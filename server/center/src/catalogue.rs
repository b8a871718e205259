//! The catalogue (案卷目录) of an enforcement case file, and the table of contents (卷内目录) of one
//! case's filed items.
//!
//! The catalogue is data, kept in `data/case-file-catalogue.toml` and embedded at build time,
//! because provinces publish their own cataloguing rules. It lists the nodes of the main volume
//! (正卷) and the internal volume (副卷) in filing order and the material types filed under each.
//! Type codes are those of the `juanzong-sync` material-type catalogue.
//!
//! Invariants of a parsed [`FilingCatalogue`]:
//! - node names are unique within a volume, and nodes keep their file order within a volume;
//! - every material type code is known to the material-type catalogue and mapped at most once;
//! - `unlisted_before` names a node of the file.
//!
//! Filing rules applied by [`FilingCatalogue::table_of_contents`]: items are placed by node, and
//! within a node in the order they were produced; items of a type without a node are placed in
//! front of the `unlisted_before` node in the order they were produced; pages are numbered from 1
//! in each volume, skipping the nodes marked `numbered = false`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use juanzong_sync::materials::{Catalogue, Volume};

const BUILTIN_TOML: &str = include_str!("../data/case-file-catalogue.toml");

/// One node of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingNode {
    pub volume: Volume,
    pub name: String,
    /// Position within the volume, from 0, which is the filing order.
    pub position: usize,
    /// False for sheets without a page number: cover, table of contents, 备考表, back cover.
    pub numbered: bool,
    /// Material type codes filed under this node.
    pub material_types: Vec<String>,
}

impl FilingNode {
    /// Returns the node's path as written in the data file: `main/<name>` or `internal/<name>`.
    pub fn path(&self) -> String {
        format!("{}/{}", self.volume.code(), self.name)
    }
}

/// Reasons a catalogue file is rejected. Messages are shown to the administrator who edits it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingCatalogueError {
    #[error("案卷目录文件格式错误：{0}")]
    Syntax(String),
    #[error("目录节点“{name}”的卷别“{volume}”无效，应为 main（正卷）或 internal（副卷）")]
    UnknownVolume { name: String, volume: String },
    #[error("目录节点“{0}”的名称为空")]
    EmptyNodeName(String),
    #[error("目录节点“{0}”重复")]
    DuplicateNode(String),
    #[error("目录节点“{node}”中的材料类型代码“{code}”不在材料类型目录中")]
    UnknownMaterialType { node: String, code: String },
    #[error("材料类型“{0}”被列在多个目录节点下，每种材料类型只能归入一个节点")]
    MaterialTypeTwice(String),
    #[error("unlisted_before 指定的目录节点“{0}”不存在，应为 main/节点名称 或 internal/节点名称")]
    UnknownUnlistedNode(String),
    #[error("材料类型目录无法读取：{0}")]
    MaterialTypes(String),
}

impl FilingCatalogueError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            FilingCatalogueError::Syntax(_) => "FILING_CATALOGUE_SYNTAX",
            FilingCatalogueError::UnknownVolume { .. } => "FILING_CATALOGUE_UNKNOWN_VOLUME",
            FilingCatalogueError::EmptyNodeName(_) => "FILING_CATALOGUE_EMPTY_NODE",
            FilingCatalogueError::DuplicateNode(_) => "FILING_CATALOGUE_DUPLICATE_NODE",
            FilingCatalogueError::UnknownMaterialType { .. } => "FILING_CATALOGUE_UNKNOWN_TYPE",
            FilingCatalogueError::MaterialTypeTwice(_) => "FILING_CATALOGUE_TYPE_TWICE",
            FilingCatalogueError::UnknownUnlistedNode(_) => {
                "FILING_CATALOGUE_UNKNOWN_UNLISTED_NODE"
            }
            FilingCatalogueError::MaterialTypes(_) => "FILING_CATALOGUE_MATERIAL_TYPES",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    unlisted_before: String,
    node: Vec<NodeEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeEntry {
    volume: String,
    name: String,
    #[serde(default = "numbered_by_default")]
    numbered: bool,
    #[serde(default)]
    material_types: Vec<String>,
}

fn numbered_by_default() -> bool {
    true
}

/// The catalogue of an enforcement case file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingCatalogue {
    /// Nodes of both volumes: the main volume first, each volume in filing order.
    nodes: Vec<FilingNode>,
    /// Index into `nodes` by material type code.
    by_type: BTreeMap<String, usize>,
    /// Index into `nodes` of the node unlisted materials are placed in front of.
    unlisted_before: usize,
}

impl FilingCatalogue {
    /// Returns the catalogue embedded from `data/case-file-catalogue.toml`, checked against the
    /// built-in material-type catalogue. The crate's tests parse it, so a build whose tests pass
    /// cannot hold a bad one.
    pub fn builtin() -> Result<&'static FilingCatalogue, FilingCatalogueError> {
        static BUILTIN: OnceLock<Result<FilingCatalogue, FilingCatalogueError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let types = Catalogue::builtin()
                    .map_err(|error| FilingCatalogueError::MaterialTypes(error.to_string()))?;
                FilingCatalogue::parse(BUILTIN_TOML, types)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses and checks a catalogue file against a material-type catalogue.
    pub fn parse(text: &str, types: &Catalogue) -> Result<FilingCatalogue, FilingCatalogueError> {
        let file: CatalogueFile = toml::from_str(text)
            .map_err(|error| FilingCatalogueError::Syntax(error.to_string()))?;

        let mut main = Vec::new();
        let mut internal = Vec::new();
        for entry in file.node {
            let volume = match entry.volume.as_str() {
                "main" => Volume::Main,
                "internal" => Volume::Internal,
                _ => {
                    return Err(FilingCatalogueError::UnknownVolume {
                        name: entry.name,
                        volume: entry.volume,
                    })
                }
            };
            if entry.name.trim().is_empty() {
                return Err(FilingCatalogueError::EmptyNodeName(entry.volume));
            }
            let nodes = if volume == Volume::Main {
                &mut main
            } else {
                &mut internal
            };
            if nodes
                .iter()
                .any(|node: &FilingNode| node.name == entry.name)
            {
                return Err(FilingCatalogueError::DuplicateNode(entry.name));
            }
            nodes.push(FilingNode {
                volume,
                name: entry.name,
                position: nodes.len(),
                numbered: entry.numbered,
                material_types: entry.material_types,
            });
        }
        let nodes: Vec<FilingNode> = main.into_iter().chain(internal).collect();

        let mut by_type = BTreeMap::new();
        for (index, node) in nodes.iter().enumerate() {
            for code in &node.material_types {
                if types.get(code).is_none() {
                    return Err(FilingCatalogueError::UnknownMaterialType {
                        node: node.path(),
                        code: code.clone(),
                    });
                }
                if by_type.insert(code.clone(), index).is_some() {
                    return Err(FilingCatalogueError::MaterialTypeTwice(code.clone()));
                }
            }
        }
        let unlisted_before = nodes
            .iter()
            .position(|node| node.path() == file.unlisted_before)
            .ok_or(FilingCatalogueError::UnknownUnlistedNode(
                file.unlisted_before,
            ))?;

        Ok(FilingCatalogue {
            nodes,
            by_type,
            unlisted_before,
        })
    }

    /// Returns every node: the main volume first, each volume in filing order.
    pub fn nodes(&self) -> &[FilingNode] {
        &self.nodes
    }

    /// Finds a node by its path, `main/<name>` or `internal/<name>`.
    pub fn node(&self, path: &str) -> Option<&FilingNode> {
        self.nodes.iter().find(|node| node.path() == path)
    }

    /// Returns the node a material type is filed under; `None` for a type placed by date.
    pub fn node_for_type(&self, material_type: &str) -> Option<&FilingNode> {
        self.by_type
            .get(material_type)
            .map(|&index| &self.nodes[index])
    }

    /// Returns the node materials of a type without a node are placed in front of.
    pub fn unlisted_before(&self) -> &FilingNode {
        &self.nodes[self.unlisted_before]
    }

    /// Orders a case's filed items into the table of contents of each volume, numbering rows and
    /// pages. An item whose `node` is not in the catalogue is placed as an unlisted material.
    pub fn table_of_contents(&self, items: &[FiledItem]) -> Vec<TocRow> {
        // Sort key: volume, place within the volume, production date, then arrival order.
        let mut placed: Vec<(Volume, usize, u8, &FiledItem, Option<&FilingNode>)> = items
            .iter()
            .map(|item| {
                let node = item.node.as_deref().and_then(|path| self.node(path));
                match node {
                    Some(node) => (node.volume, node.position, 1, item, Some(node)),
                    None => {
                        let before = self.unlisted_before();
                        (before.volume, before.position, 0, item, None)
                    }
                }
            })
            .collect();
        placed.sort_by(|a, b| {
            (
                a.0,
                a.1,
                a.2,
                a.3.produced_on.is_none(),
                a.3.produced_on,
                a.3.arrival,
            )
                .cmp(&(
                    b.0,
                    b.1,
                    b.2,
                    b.3.produced_on.is_none(),
                    b.3.produced_on,
                    b.3.arrival,
                ))
        });

        let mut rows = Vec::with_capacity(placed.len());
        let mut next_page: BTreeMap<Volume, i64> = BTreeMap::new();
        let mut next_number: BTreeMap<Volume, u32> = BTreeMap::new();
        for (volume, _, _, item, node) in placed {
            let numbered = node.is_none_or(|node| node.numbered);
            let number = next_number.entry(volume).or_insert(1);
            let page = next_page.entry(volume).or_insert(1);
            let pages = if numbered && item.page_count > 0 {
                // Checks limit page counts; saturating keeps rows stored before that readable.
                let range = PageRange {
                    first: *page,
                    last: page.saturating_add(item.page_count - 1),
                };
                *page = page.saturating_add(item.page_count);
                Some(range)
            } else {
                None
            };
            rows.push(TocRow {
                volume,
                node: node.map(FilingNode::path),
                number: *number,
                title: item.title.clone(),
                original_number: item.original_number.clone(),
                date: item.produced_on,
                pages,
                notes: item.notes.clone(),
                item_id: item.item_id,
            });
            *number += 1;
        }
        rows
    }

    /// Returns the material type codes mapped to a node, for comparing with another catalogue.
    pub fn mapped_types(&self) -> BTreeSet<&str> {
        self.by_type.keys().map(String::as_str).collect()
    }
}

/// An item filed into a case, as input to [`FilingCatalogue::table_of_contents`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledItem {
    pub item_id: Uuid,
    /// Node path, `main/<name>` or `internal/<name>`; `None` for a material placed by date.
    pub node: Option<String>,
    /// Standard name, such as `查封笔录-张某`.
    pub title: String,
    /// 文件原编号: the number printed on the document, such as its ruling number; empty if none.
    pub original_number: String,
    pub produced_on: Option<NaiveDate>,
    pub page_count: i64,
    pub notes: String,
    /// Order of arrival at the center, which breaks ties between items of the same date.
    pub arrival: u64,
}

/// Inclusive page range of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRange {
    pub first: i64,
    pub last: i64,
}

impl std::fmt::Display for PageRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// One row of a table of contents (卷内目录): 序号, 标题, 文件原编号, 日期, 页号, 备注.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocRow {
    pub volume: Volume,
    /// Node path; `None` for a material placed by date.
    pub node: Option<String>,
    /// 序号, from 1 within the volume.
    pub number: u32,
    pub title: String,
    pub original_number: String,
    pub date: Option<NaiveDate>,
    /// 页号; `None` for a sheet without page numbers or an item without pages.
    pub pages: Option<PageRange>,
    pub notes: String,
    pub item_id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> &'static FilingCatalogue {
        match FilingCatalogue::builtin() {
            Ok(catalogue) => catalogue,
            Err(error) => panic!("embedded filing catalogue does not parse: {error}"),
        }
    }

    fn types() -> &'static Catalogue {
        Catalogue::builtin().expect("built-in material types parse")
    }

    #[test]
    fn builtin_catalogue_parses() {
        let catalogue = builtin();
        let main = catalogue
            .nodes()
            .iter()
            .filter(|n| n.volume == Volume::Main)
            .count();
        let internal = catalogue
            .nodes()
            .iter()
            .filter(|n| n.volume == Volume::Internal)
            .count();
        assert_eq!(main, 23);
        assert_eq!(internal, 6);
        assert_eq!(catalogue.nodes()[0].name, "卷宗封面");
        assert!(!catalogue.nodes()[0].numbered);
        assert_eq!(catalogue.unlisted_before().path(), "main/备考表");
    }

    #[test]
    fn builtin_agrees_with_material_types() {
        let catalogue = builtin();
        for material_type in types().types() {
            let filed = catalogue
                .node_for_type(&material_type.code)
                .map(FilingNode::path);
            let listed = material_type
                .catalogue_node
                .as_ref()
                .map(|node| node.to_string());
            assert_eq!(filed, listed, "type {}", material_type.code);
        }
        for volume in [Volume::Main, Volume::Internal] {
            let filed: Vec<&str> = catalogue
                .nodes()
                .iter()
                .filter(|node| node.volume == volume)
                .map(|node| node.name.as_str())
                .collect();
            let listed: Vec<&str> = types().nodes(volume).iter().map(String::as_str).collect();
            assert_eq!(filed, listed, "{volume:?}");
        }
    }

    const SMALL: &str = r#"
unlisted_before = "main/备考表"

[[node]]
volume = "main"
name = "执行笔录和调查笔录"
material_types = ["seizure_record"]

[[node]]
volume = "main"
name = "备考表"
numbered = false

[[node]]
volume = "internal"
name = "执行方案"
"#;

    #[test]
    fn bad_files_are_rejected_with_reason() {
        let cases: [(String, &str); 7] = [
            (
                SMALL.replace("[[node]]", "[[nod]]"),
                "FILING_CATALOGUE_SYNTAX",
            ),
            (
                SMALL.replace("\"internal\"", "\"side\""),
                "FILING_CATALOGUE_UNKNOWN_VOLUME",
            ),
            (
                SMALL.replace("\"执行方案\"", "\" \""),
                "FILING_CATALOGUE_EMPTY_NODE",
            ),
            (
                SMALL
                    .replace("\"执行方案\"", "\"执行笔录和调查笔录\"")
                    .replace("\"internal\"", "\"main\""),
                "FILING_CATALOGUE_DUPLICATE_NODE",
            ),
            (
                SMALL.replace("\"seizure_record\"", "\"seizure\""),
                "FILING_CATALOGUE_UNKNOWN_TYPE",
            ),
            (
                SMALL.replace(
                    "numbered = false",
                    "numbered = false\nmaterial_types = [\"seizure_record\"]",
                ),
                "FILING_CATALOGUE_TYPE_TWICE",
            ),
            (
                SMALL.replace("main/备考表", "main/卷底"),
                "FILING_CATALOGUE_UNKNOWN_UNLISTED_NODE",
            ),
        ];
        for (text, expected) in cases {
            let error = FilingCatalogue::parse(&text, types()).expect_err(expected);
            assert_eq!(error.code(), expected, "{error}");
        }
        let small = FilingCatalogue::parse(SMALL, types()).expect("small file parses");
        assert_eq!(small.nodes().len(), 3);
        assert_eq!(
            small
                .node_for_type("seizure_record")
                .map(FilingNode::path)
                .as_deref(),
            Some("main/执行笔录和调查笔录")
        );
    }

    fn item(node: Option<&str>, title: &str, day: u32, pages: i64, arrival: u64) -> FiledItem {
        FiledItem {
            item_id: Uuid::from_u128(arrival as u128),
            node: node.map(str::to_string),
            title: title.to_string(),
            original_number: String::new(),
            produced_on: NaiveDate::from_ymd_opt(2026, 12, day),
            page_count: pages,
            notes: String::new(),
            arrival,
        }
    }

    #[test]
    fn table_of_contents_orders_and_numbers_pages() {
        let items = [
            item(Some("main/送达回证"), "送达回证-张某", 1, 1, 1),
            item(Some("main/执行笔录和调查笔录"), "查封笔录-张某", 2, 3, 2),
            item(Some("main/执行笔录和调查笔录"), "调查笔录-李某", 1, 2, 3),
            item(None, "情况说明", 3, 1, 4),
            item(Some("internal/执行方案"), "执行方案", 1, 4, 5),
            item(
                Some("main/执行通知书存根和回执"),
                "执行通知书-张某",
                1,
                2,
                6,
            ),
        ];
        let rows = builtin().table_of_contents(&items);
        let titles: Vec<&str> = rows.iter().map(|row| row.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "执行通知书-张某",
                "调查笔录-李某",
                "查封笔录-张某",
                "送达回证-张某",
                "情况说明",
                "执行方案"
            ]
        );
        let pages: Vec<String> = rows
            .iter()
            .map(|row| row.pages.map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(pages, ["1-2", "3-4", "5-7", "8", "9", "1-4"]);
        let numbers: Vec<u32> = rows.iter().map(|row| row.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 1]);
        assert_eq!(rows[4].node, None);
        assert_eq!(rows[5].volume, Volume::Internal);
    }

    #[test]
    fn unnumbered_node_gets_no_pages() {
        let rows = builtin().table_of_contents(&[item(Some("main/备考表"), "备考表", 1, 1, 1)]);
        assert_eq!(rows[0].pages, None);
    }
}
