//! Catalogue of material types (材料类型) and the case-file catalogue nodes (目录节点) they are filed
//! under.
//!
//! The catalogue is data, kept in `data/material-types.toml` and embedded at build time, because
//! provinces publish their own cataloguing rules. [`Catalogue::parse`] reads any such file, and
//! [`Catalogue::builtin`] returns the embedded one.
//!
//! Invariants of a parsed [`Catalogue`]:
//! - type codes are unique and made of lowercase ASCII letters, digits and `_`;
//! - Chinese names are unique and not empty;
//! - every type names at least one team kind;
//! - every catalogue node a type refers to is listed in the volume it names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::TeamKind;

/// The embedded catalogue file.
const BUILTIN_TOML: &str = include_str!("../data/material-types.toml");

/// Volume of a case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Volume {
    /// 正卷, open to the parties.
    Main,
    /// 副卷, internal to the court.
    Internal,
}

impl Volume {
    /// Returns the prefix used in the data file: `main` or `internal`.
    pub fn code(self) -> &'static str {
        match self {
            Volume::Main => "main",
            Volume::Internal => "internal",
        }
    }

    /// Returns the Chinese name: 正卷 or 副卷.
    pub fn name_zh(self) -> &'static str {
        match self {
            Volume::Main => "正卷",
            Volume::Internal => "副卷",
        }
    }
}

/// A node of the case-file catalogue, such as 正卷 / 执行笔录和调查笔录.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CatalogueNode {
    /// Volume the node belongs to.
    pub volume: Volume,
    /// Node name as listed in the catalogue.
    pub name: String,
    /// Position of the node within its volume, counted from 0, which is its filing order.
    pub position: usize,
}

impl fmt::Display for CatalogueNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.volume.code(), self.name)
    }
}

/// One material type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialType {
    /// Stable ASCII code stored in documents, such as `seizure_record`.
    pub code: String,
    /// Chinese name, such as 查封、扣押、冻结笔录.
    pub name: String,
    /// Team kinds that produce this type.
    pub team_kinds: BTreeSet<TeamKind>,
    /// Catalogue node the type is filed under; `None` for a type placed by the date it was
    /// produced.
    pub catalogue_node: Option<CatalogueNode>,
}

impl MaterialType {
    /// Tells whether a team of `kind` produces this type.
    pub fn is_produced_by(&self, kind: TeamKind) -> bool {
        self.team_kinds.contains(&kind)
    }
}

/// Reasons a catalogue file is rejected. Messages are shown to the administrator who edits the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("材料类型目录文件格式错误：{0}")]
    Syntax(String),
    #[error("材料类型代码“{0}”无效，只能使用小写英文字母、数字和下划线")]
    InvalidCode(String),
    #[error("材料类型代码“{0}”重复")]
    DuplicateCode(String),
    #[error("材料类型名称“{0}”重复")]
    DuplicateName(String),
    #[error("材料类型“{0}”的名称为空")]
    EmptyName(String),
    #[error("材料类型“{code}”的团队类型“{kind}”无效，应为 enforcement 或 asset_disposal")]
    UnknownTeamKind { code: String, kind: String },
    #[error("材料类型“{0}”没有填写团队类型")]
    NoTeamKind(String),
    #[error("材料类型“{code}”的目录节点“{node}”无效，应为 main/节点名称 或 internal/节点名称，且节点名称须列在 [catalogue] 中")]
    UnknownCatalogueNode { code: String, node: String },
    #[error("目录节点“{0}”重复")]
    DuplicateCatalogueNode(String),
}

impl CatalogueError {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogueError::Syntax(_) => "CATALOGUE_SYNTAX",
            CatalogueError::InvalidCode(_) => "CATALOGUE_INVALID_CODE",
            CatalogueError::DuplicateCode(_) => "CATALOGUE_DUPLICATE_CODE",
            CatalogueError::DuplicateName(_) => "CATALOGUE_DUPLICATE_NAME",
            CatalogueError::EmptyName(_) => "CATALOGUE_EMPTY_NAME",
            CatalogueError::UnknownTeamKind { .. } => "CATALOGUE_UNKNOWN_TEAM_KIND",
            CatalogueError::NoTeamKind(_) => "CATALOGUE_NO_TEAM_KIND",
            CatalogueError::UnknownCatalogueNode { .. } => "CATALOGUE_UNKNOWN_NODE",
            CatalogueError::DuplicateCatalogueNode(_) => "CATALOGUE_DUPLICATE_NODE",
        }
    }
}

/// The material types and catalogue nodes of one catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// Types in file order.
    types: Vec<MaterialType>,
    /// Index into `types` by code.
    by_code: BTreeMap<String, usize>,
    /// Node names of 正卷, in filing order.
    main_nodes: Vec<String>,
    /// Node names of 副卷, in filing order.
    internal_nodes: Vec<String>,
}

/// The file layout, as serde reads it before the checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    catalogue: NodeLists,
    material_type: Vec<MaterialTypeEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeLists {
    main: Vec<String>,
    internal: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaterialTypeEntry {
    code: String,
    name: String,
    team_kinds: Vec<String>,
    catalogue_node: Option<String>,
}

impl Catalogue {
    /// Returns the catalogue embedded from `data/material-types.toml`.
    ///
    /// The crate's tests parse the embedded file, so a build whose tests pass cannot hold a bad
    /// one. Should it still fail to parse, this returns the error instead of panicking.
    pub fn builtin() -> Result<&'static Catalogue, CatalogueError> {
        static BUILTIN: OnceLock<Result<Catalogue, CatalogueError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Catalogue::parse(BUILTIN_TOML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses and checks a catalogue file.
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile =
            toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;

        let main_nodes = check_node_names(file.catalogue.main)?;
        let internal_nodes = check_node_names(file.catalogue.internal)?;
        let mut catalogue = Catalogue {
            types: Vec::with_capacity(file.material_type.len()),
            by_code: BTreeMap::new(),
            main_nodes,
            internal_nodes,
        };

        let mut names = BTreeSet::new();
        for entry in file.material_type {
            let material_type = catalogue.check_entry(entry)?;
            if catalogue.by_code.contains_key(&material_type.code) {
                return Err(CatalogueError::DuplicateCode(material_type.code));
            }
            if !names.insert(material_type.name.clone()) {
                return Err(CatalogueError::DuplicateName(material_type.name));
            }
            catalogue
                .by_code
                .insert(material_type.code.clone(), catalogue.types.len());
            catalogue.types.push(material_type);
        }
        Ok(catalogue)
    }

    /// Finds a material type by its code.
    pub fn get(&self, code: &str) -> Option<&MaterialType> {
        self.by_code.get(code).map(|&index| &self.types[index])
    }

    /// Returns every material type, in file order.
    pub fn types(&self) -> &[MaterialType] {
        &self.types
    }

    /// Returns the types a team of `kind` produces, in file order.
    pub fn types_for(&self, kind: TeamKind) -> impl Iterator<Item = &MaterialType> {
        self.types.iter().filter(move |t| t.is_produced_by(kind))
    }

    /// Returns the node names of a volume, in filing order.
    pub fn nodes(&self, volume: Volume) -> &[String] {
        match volume {
            Volume::Main => &self.main_nodes,
            Volume::Internal => &self.internal_nodes,
        }
    }

    fn check_entry(&self, entry: MaterialTypeEntry) -> Result<MaterialType, CatalogueError> {
        let valid_code = !entry.code.is_empty()
            && entry
                .code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_code {
            return Err(CatalogueError::InvalidCode(entry.code));
        }
        if entry.name.trim().is_empty() {
            return Err(CatalogueError::EmptyName(entry.code));
        }

        let mut team_kinds = BTreeSet::new();
        for kind in &entry.team_kinds {
            let parsed =
                TeamKind::from_code(kind).ok_or_else(|| CatalogueError::UnknownTeamKind {
                    code: entry.code.clone(),
                    kind: kind.clone(),
                })?;
            team_kinds.insert(parsed);
        }
        if team_kinds.is_empty() {
            return Err(CatalogueError::NoTeamKind(entry.code));
        }

        let catalogue_node = match &entry.catalogue_node {
            Some(path) => Some(self.resolve_node(path).ok_or_else(|| {
                CatalogueError::UnknownCatalogueNode {
                    code: entry.code.clone(),
                    node: path.clone(),
                }
            })?),
            None => None,
        };

        Ok(MaterialType {
            code: entry.code,
            name: entry.name,
            team_kinds,
            catalogue_node,
        })
    }

    /// Resolves `main/<node>` or `internal/<node>` against the node lists.
    fn resolve_node(&self, path: &str) -> Option<CatalogueNode> {
        let (prefix, name) = path.split_once('/')?;
        let volume = match prefix {
            "main" => Volume::Main,
            "internal" => Volume::Internal,
            _ => return None,
        };
        let position = self.nodes(volume).iter().position(|node| node == name)?;
        Some(CatalogueNode {
            volume,
            name: name.to_string(),
            position,
        })
    }
}

fn check_node_names(nodes: Vec<String>) -> Result<Vec<String>, CatalogueError> {
    let mut seen = BTreeSet::new();
    for node in &nodes {
        if !seen.insert(node.as_str()) {
            return Err(CatalogueError::DuplicateCatalogueNode(node.clone()));
        }
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> &'static Catalogue {
        match Catalogue::builtin() {
            Ok(catalogue) => catalogue,
            Err(e) => panic!("embedded catalogue does not parse: {e}"),
        }
    }

    #[test]
    fn builtin_catalogue_parses() {
        let catalogue = builtin();
        assert_eq!(catalogue.types().len(), 43);
        assert_eq!(catalogue.nodes(Volume::Main).len(), 23);
        assert_eq!(catalogue.nodes(Volume::Internal).len(), 6);
    }

    #[test]
    fn lookup_by_code() {
        let seizure = builtin()
            .get("seizure_record")
            .expect("seizure_record exists");
        assert_eq!(seizure.name, "查封、扣押、冻结笔录");
        assert!(seizure.is_produced_by(TeamKind::Enforcement));
        assert!(!seizure.is_produced_by(TeamKind::AssetDisposal));
        let node = seizure.catalogue_node.as_ref().expect("filed under a node");
        assert_eq!(node.volume, Volume::Main);
        assert_eq!(node.name, "执行笔录和调查笔录");
        assert_eq!(node.to_string(), "main/执行笔录和调查笔录");
        assert_eq!(node.position, 10);
        assert!(builtin().get("no_such_type").is_none());
    }

    #[test]
    fn every_named_material_is_covered() {
        let enforcement = [
            "执行通知书",
            "报告财产令及财产申报表",
            "送达回证",
            "送达地址确认书",
            "查封、扣押、冻结裁定书",
            "协助执行通知书及回执",
            "查封公告",
            "封条（张贴照片）",
            "查封、扣押财产清单",
            "查封、扣押、冻结笔录",
            "执行笔录（现场笔录）",
            "调查笔录",
            "询问笔录",
            "搜查令",
            "搜查笔录",
            "限制消费令",
            "拘留决定书",
            "罚款决定书",
            "拘传票",
            "强制迁出、退出土地公告",
            "强制迁出、退出土地笔录",
            "执行和解协议",
            "和解笔录",
            "执行款收据",
            "现场照片",
            "执法记录仪音视频",
            "其他",
        ];
        let disposal = [
            "现场勘验笔录（财产现状调查笔录）",
            "拍卖财产文字说明及视频、照片",
            "议价记录",
            "询价函",
            "询价结果",
            "网络询价报告",
            "评估委托书",
            "评估报告及送达回证",
            "拍卖、变卖裁定书",
            "拍卖公告",
            "拍卖通知书",
            "拍卖成交确认书",
            "拍卖成交裁定书",
            "以物抵债裁定书",
            "财产权证照转移协助执行通知书",
            "交付、腾退笔录",
            "其他",
        ];
        let names = |kind| -> BTreeSet<String> {
            builtin().types_for(kind).map(|t| t.name.clone()).collect()
        };
        let expected_enforcement: BTreeSet<String> =
            enforcement.iter().map(|s| s.to_string()).collect();
        let expected_disposal: BTreeSet<String> = disposal.iter().map(|s| s.to_string()).collect();
        assert_eq!(names(TeamKind::Enforcement), expected_enforcement);
        assert_eq!(names(TeamKind::AssetDisposal), expected_disposal);
    }

    #[test]
    fn other_has_no_catalogue_node() {
        let other = builtin().get("other").expect("other exists");
        assert!(other.catalogue_node.is_none());
        assert!(other.is_produced_by(TeamKind::Enforcement));
        assert!(other.is_produced_by(TeamKind::AssetDisposal));
    }

    const VALID: &str = r#"
[catalogue]
main = ["执行笔录和调查笔录"]
internal = ["执行方案"]

[[material_type]]
code = "seizure_record"
name = "查封、扣押、冻结笔录"
team_kinds = ["enforcement"]
catalogue_node = "main/执行笔录和调查笔录"
"#;

    #[test]
    fn small_file_parses() {
        let catalogue = Catalogue::parse(VALID).expect("valid file");
        assert_eq!(catalogue.types().len(), 1);
    }

    #[test]
    fn bad_files_are_rejected_with_reason() {
        let cases: [(String, &str); 9] = [
            (
                VALID.replace("[[material_type]]", "[[material_typ]]"),
                "CATALOGUE_SYNTAX",
            ),
            (
                VALID.replace("code = \"seizure_record\"", "code = \"Seizure\""),
                "CATALOGUE_INVALID_CODE",
            ),
            (
                VALID.replace("name = \"查封、扣押、冻结笔录\"", "name = \" \""),
                "CATALOGUE_EMPTY_NAME",
            ),
            (
                VALID.replace("[\"enforcement\"]", "[\"executor\"]"),
                "CATALOGUE_UNKNOWN_TEAM_KIND",
            ),
            (
                VALID.replace("[\"enforcement\"]", "[]"),
                "CATALOGUE_NO_TEAM_KIND",
            ),
            (
                VALID.replace("main/执行笔录和调查笔录\"", "main/执行笔录\""),
                "CATALOGUE_UNKNOWN_NODE",
            ),
            (
                VALID.replace("\"main/", "\"internal/"),
                "CATALOGUE_UNKNOWN_NODE",
            ),
            (
                format!(
                    "{VALID}{}",
                    &VALID[VALID.find("[[material_type]]").unwrap_or(0)..]
                ),
                "CATALOGUE_DUPLICATE_CODE",
            ),
            (
                VALID.replace(
                    "internal = [\"执行方案\"]",
                    "internal = [\"执行方案\", \"执行方案\"]",
                ),
                "CATALOGUE_DUPLICATE_NODE",
            ),
        ];
        for (text, expected) in cases {
            let error = Catalogue::parse(&text).expect_err(expected);
            assert_eq!(error.code(), expected, "{error}");
        }
    }

    #[test]
    fn duplicate_name_is_rejected() {
        let text = format!(
            "{VALID}\n[[material_type]]\ncode = \"seizure_record_2\"\nname = \"查封、扣押、冻结笔录\"\nteam_kinds = [\"enforcement\"]\n"
        );
        let error = Catalogue::parse(&text).expect_err("duplicate name");
        assert_eq!(
            error,
            CatalogueError::DuplicateName("查封、扣押、冻结笔录".into())
        );
    }
}
