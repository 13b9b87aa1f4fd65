//! The document checklists of `templates/checklists.toml`: every item (id, names, how to
//! obtain it, kind, matching keywords) and the ordered list per talent category, with the
//! company-side items appended to every list. Items the window may ask for (`may_ask`) are
//! requested as warnings; one that depends on the term (`when_term_over_years`) is dropped
//! by [`CategoryList::for_term`] when the term does not call for it.

use super::RulesError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use crate::outcome::ItemKind;

/// One document of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub how_zh: String,
    pub how_en: String,
    pub kind: ItemKind,
    /// Company-side item: shared scans in `docs/_company/`, missing only a warning.
    pub company: bool,
    /// An employee item the window may ask for: missing only a warning.
    pub may_ask: bool,
    /// Only on the list when the term asked for is longer than this many years.
    pub when_term_over_years: Option<f64>,
    /// Where the item comes from (shown with a missing `may_ask` item), and in Chinese.
    pub source: String,
    pub source_zh: String,
    /// Words that identify a scan of this item, as written in the data file.
    pub keywords: Vec<String>,
    /// Words that rule a file name out for this item, as written in the data file.
    pub not_keywords: Vec<String>,
    /// The id then the keywords, normalised for matching
    /// ([`match_keys`]); filled when the checklists are loaded, computed
    /// on the fly when empty.
    #[serde(skip)]
    pub match_keys: Vec<String>,
    /// `not_keywords`, normalised the same way.
    #[serde(skip)]
    pub exclude_keys: Vec<String>,
    /// In the common list ([`Checklists::common`]): the keys of the category lists that have
    /// this item when not every list does. Its scan is matched and packed when HR has one,
    /// but its absence is no problem of its own (the category warning names it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_for: Vec<String>,
}

impl ChecklistItem {
    /// A missing scan of it is only a warning (or, for an item of some categories only, no
    /// problem of its own).
    pub fn optional(&self) -> bool {
        self.company || self.may_ask || !self.only_for.is_empty()
    }
}

impl CategoryList {
    /// The items for an employee whose term is `term_years` (unknown: the items that depend
    /// on the term are left out, since the term then is the default one).
    pub fn for_term(&self, term_years: Option<f64>) -> Arc<[ChecklistItem]> {
        let keep = |i: &ChecklistItem| match i.when_term_over_years {
            None => true,
            Some(limit) => term_years.is_some_and(|t| t > limit + 1e-9),
        };
        if self.items.iter().all(keep) {
            return self.items.clone();
        }
        self.items.iter().filter(|i| keep(i)).cloned().collect()
    }
}

/// The checklist of one category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryList {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// In platform order, company-side items last. Shared between employees.
    pub items: Arc<[ChecklistItem]>,
}

/// All category lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checklists {
    lists: BTreeMap<String, CategoryList>,
    /// The list for a category without one of its own (see [`Checklists::common`]).
    common: Option<CategoryList>,
    /// The company-side items, appended to every list.
    company: Vec<ChecklistItem>,
    sides: PageSides,
}

/// The `[common]` section: labels of the list derived from all category lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonData {
    label_zh: String,
    label_en: String,
    source: String,
}

/// Words in a scan's file name that say which side of a document it shows (`[sides]` of
/// `checklists.toml`), so a packet puts a front before its back whatever the alphabet says.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSides {
    #[serde(default)]
    pub front: Vec<String>,
    #[serde(default)]
    pub back: Vec<String>,
    #[serde(default)]
    pub source: String,
}

/// Which side of a document a file shows, in packet order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Front,
    Unknown,
    Back,
}

impl PageSides {
    /// How a file sorts among the files of one item: its normalised stem with the side
    /// words taken out (so `p1_back` sorts with `p1_front`, before `p2_front`), then its
    /// side. An ASCII word counts as a whole word (`back`, not `background`); a Chinese one
    /// anywhere (`工作许可证正面`).
    pub fn sort_key(&self, file_name: &str) -> (String, Side) {
        use crate::text::{scan_key as normalize, stem};
        let mut name = normalize(stem(file_name));
        let mut side = Side::Unknown;
        for (list, this) in [(&self.front, Side::Front), (&self.back, Side::Back)] {
            for w in list.iter().map(|w| normalize(w)).filter(|w| !w.is_empty()) {
                let rest = if w.is_ascii() {
                    without_word(&name, &w)
                } else {
                    name.contains(&w).then(|| name.replace(&w, ""))
                };
                if let Some(rest) = rest {
                    name = rest;
                    side = pick(side, this);
                }
            }
        }
        (name, side)
    }
}

/// `name` (words joined by `_`) without the word `w`, if it has it.
fn without_word(name: &str, w: &str) -> Option<String> {
    let words: Vec<&str> = name.split('_').collect();
    words.contains(&w).then(|| {
        words
            .into_iter()
            .filter(|t| *t != w)
            .collect::<Vec<_>>()
            .join("_")
    })
}

/// A name that says both front and back says neither.
fn pick(so_far: Side, found: Side) -> Side {
    match so_far {
        Side::Unknown => found,
        s if s == found => s,
        _ => Side::Unknown,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    company_items: Vec<String>,
    company_source: String,
    lists: BTreeMap<String, ListData>,
    item: Vec<ItemData>,
    #[serde(default)]
    sides: PageSides,
    #[serde(default)]
    common: Option<CommonData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListData {
    label_zh: String,
    label_en: String,
    items: Vec<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemData {
    id: String,
    name_zh: String,
    name_en: String,
    how_zh: String,
    how_en: String,
    kind: ItemKind,
    #[serde(default)]
    company: bool,
    #[serde(default)]
    may_ask: bool,
    #[serde(default)]
    when_term_over_years: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    not_keywords: Vec<String>,
    source: String,
    #[serde(default)]
    source_zh: String,
}

const FILE: &str = "checklists.toml";

/// A value of `checklists.toml` the checklists cannot use.
fn invalid(reason: impl Into<String>) -> RulesError {
    RulesError::Template {
        file: FILE,
        reason: reason.into(),
    }
}

impl Checklists {
    /// Parses `checklists.toml` text and checks it. Errors name the file and the item.
    pub fn parse(text: &str) -> Result<Checklists, RulesError> {
        let data: FileData = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        build(data)
    }

    /// The list for a category key (`B1`, `B6`), if there is one.
    pub fn for_key(&self, key: &str) -> Option<&CategoryList> {
        self.lists.get(key)
    }

    /// The list for an employee whose category has no list of its own (A, C, B without its
    /// sub-category, (二)-(五)), when `checklists.toml` has a `[common]` section: the items
    /// every list shares, in list order, then the upload items only some lists have (marked
    /// with [`ChecklistItem::only_for`], so their scans still match), then the company items.
    pub fn common(&self) -> Option<&CategoryList> {
        self.common.as_ref()
    }

    /// The items of the lists whose key starts with `class` (`B`: `B1`, `B6`) that the
    /// common list does not require, per list key: what naming the sub-category would add.
    pub fn beyond_common(&self, class: &str) -> Vec<(&str, Vec<&ChecklistItem>)> {
        let Some(common) = &self.common else {
            return Vec::new();
        };
        let required: BTreeSet<&str> = common
            .items
            .iter()
            .filter(|i| i.only_for.is_empty())
            .map(|i| i.id.as_str())
            .collect();
        self.lists
            .iter()
            .filter(|(k, _)| k.starts_with(class) && k.len() > class.len())
            .map(|(k, l)| {
                let extra = l
                    .items
                    .iter()
                    .filter(|i| !i.company && !required.contains(i.id.as_str()))
                    .collect::<Vec<_>>();
                (k.as_str(), extra)
            })
            .filter(|(_, extra)| !extra.is_empty())
            .collect()
    }

    /// The company-side items (the same on every list): their scans are shared, so their
    /// findings belong to the run, not to each employee.
    pub fn company_items(&self) -> &[ChecklistItem] {
        &self.company
    }

    /// The words that mark a document's front and back in file names.
    pub fn sides(&self) -> &PageSides {
        &self.sides
    }

    /// Category keys that have a list, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.lists.keys().map(String::as_str)
    }
}

fn build(data: FileData) -> Result<Checklists, RulesError> {
    if data.company_source.trim().is_empty() {
        return Err(invalid(
            "company_source is empty: every rule must name its source",
        ));
    }
    let mut items: BTreeMap<String, ChecklistItem> = BTreeMap::new();
    for it in data.item {
        let id = it.id.trim().to_string();
        let valid_id = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_id {
            return Err(invalid(format!(
                "item id '{}' must be lowercase letters, digits and _",
                it.id
            )));
        }
        if it.source.trim().is_empty() {
            return Err(invalid(format!(
                "item {id}: source is empty: every rule must name its source"
            )));
        }
        if it.name_zh.trim().is_empty() || it.name_en.trim().is_empty() {
            return Err(invalid(format!(
                "item {id}: name_zh and name_en are both needed"
            )));
        }
        let keywords: Vec<String> = it
            .keywords
            .iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        let not_keywords: Vec<String> = it
            .not_keywords
            .iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        if it.company && it.may_ask {
            return Err(invalid(format!(
                "item {id}: `company = true` items are already requested as warnings; drop `may_ask`"
            )));
        }
        if it.may_ask && it.source_zh.trim().is_empty() {
            return Err(invalid(format!(
                "item {id}: a `may_ask` item needs `source_zh`: its source is quoted in the Chinese message"
            )));
        }
        if let Some(y) = it.when_term_over_years
            && !(y.is_finite() && y >= 0.0)
        {
            return Err(invalid(format!(
                "item {id}: when_term_over_years ({y}) must be 0 or more"
            )));
        }
        let match_keys = match_keys(&id, &keywords);
        let exclude_keys = not_keywords
            .iter()
            .map(|k| crate::text::scan_key(k))
            .collect();
        let item = ChecklistItem {
            match_keys,
            exclude_keys,
            id: id.clone(),
            name_zh: it.name_zh,
            name_en: it.name_en,
            how_zh: it.how_zh,
            how_en: it.how_en,
            kind: it.kind,
            company: it.company,
            may_ask: it.may_ask,
            when_term_over_years: it.when_term_over_years,
            source: it.source.trim().to_string(),
            source_zh: it.source_zh.trim().to_string(),
            keywords,
            not_keywords,
            only_for: Vec::new(),
        };
        if items.insert(id.clone(), item).is_some() {
            return Err(invalid(format!("item {id} is defined twice")));
        }
    }
    let mut company = Vec::new();
    for id in &data.company_items {
        let item = items.get(id).ok_or_else(|| {
            invalid(format!(
                "company_items names '{id}', which is not an [[item]]"
            ))
        })?;
        if !item.company {
            return Err(invalid(format!(
                "item {id} is in company_items but lacks `company = true`"
            )));
        }
        company.push(item.clone());
    }
    for item in items.values() {
        if item.company && !data.company_items.contains(&item.id) {
            return Err(invalid(format!(
                "item {} has `company = true` but is not in company_items",
                item.id
            )));
        }
    }
    let mut lists = BTreeMap::new();
    for (key, list) in data.lists {
        if list.source.trim().is_empty() {
            return Err(invalid(format!(
                "list {key}: source is empty: every rule must name its source"
            )));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(list.items.len() + company.len());
        for id in &list.items {
            let item = items.get(id).ok_or_else(|| {
                invalid(format!("list {key} names '{id}', which is not an [[item]]"))
            })?;
            if item.company {
                return Err(invalid(format!(
                    "list {key} names the company item {id}; company items are added to every list"
                )));
            }
            if !seen.insert(id.as_str()) {
                return Err(invalid(format!("list {key} names {id} twice")));
            }
            out.push(item.clone());
        }
        out.extend(company.iter().cloned());
        lists.insert(
            key.clone(),
            CategoryList {
                key,
                label_zh: list.label_zh,
                label_en: list.label_en,
                items: out.into(),
            },
        );
    }
    let common = match data.common {
        Some(c) if c.source.trim().is_empty() => {
            return Err(invalid(
                "[common]: source is empty: every rule must name its source",
            ));
        }
        Some(c) => common_list(&lists, &company, c),
        None => None,
    };
    Ok(Checklists {
        lists,
        common,
        company,
        sides: data.sides,
    })
}

/// The list of the items every category list shares (in the order of the longest list),
/// then the upload items only some have (`only_for` their keys), then the company items.
/// Generated items of some lists only are left out: permitpack writes them once the
/// category says which list applies.
fn common_list(
    lists: &BTreeMap<String, CategoryList>,
    company: &[ChecklistItem],
    data: CommonData,
) -> Option<CategoryList> {
    let longest = lists.values().max_by_key(|l| l.items.len())?;
    let mut items = Vec::new();
    let mut partial = Vec::new();
    // Every list's items in order of the longest, then those the longest lacks.
    let mut order: Vec<&ChecklistItem> = longest.items.iter().filter(|i| !i.company).collect();
    for l in lists.values() {
        for i in l.items.iter().filter(|i| !i.company) {
            if !order.iter().any(|o| o.id == i.id) {
                order.push(i);
            }
        }
    }
    for item in order {
        let having: Vec<String> = lists
            .iter()
            .filter(|(_, l)| l.items.iter().any(|i| i.id == item.id))
            .map(|(k, _)| k.clone())
            .collect();
        if having.len() == lists.len() {
            items.push(item.clone());
        } else if matches!(item.kind, ItemKind::Upload | ItemKind::Original) {
            let mut item = item.clone();
            item.only_for = having;
            partial.push(item);
        }
    }
    items.extend(partial);
    items.extend(company.iter().cloned());
    Some(CategoryList {
        key: "common".into(),
        label_zh: data.label_zh,
        label_en: data.label_en,
        items: items.into(),
    })
}

/// The normalised matching keys of an item: its id first, then its keywords.
pub fn match_keys(id: &str, keywords: &[String]) -> Vec<String> {
    std::iter::once(id)
        .chain(keywords.iter().map(String::as_str))
        .map(crate::text::scan_key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_front_or_back() {
        let sides = Checklists::parse(include_str!("../../templates/checklists.toml"))
            .unwrap()
            .sides()
            .clone();
        let key = |n: &str| sides.sort_key(n);
        assert_eq!(
            key("work_permit_front.jpg"),
            ("work_permit".into(), Side::Front)
        );
        assert_eq!(
            key("Work Permit BACK.pdf"),
            ("work_permit".into(), Side::Back)
        );
        assert_eq!(
            key("工作许可证正面.jpg"),
            ("工作许可证".into(), Side::Front)
        );
        assert_eq!(key("工作许可证背面.jpg"), ("工作许可证".into(), Side::Back));
        assert_eq!(key("工作许可证反面.jpg").1, Side::Back);
        // A word inside another word is no side.
        assert_eq!(key("background_check.pdf").1, Side::Unknown);
        assert_eq!(key("passport.pdf"), ("passport".into(), Side::Unknown));
        // Pages keep their own order: p1's back sorts with p1, before p2.
        assert!(key("p1_back.jpg") < key("p2_front.jpg"));
        assert!(key("p1_front.jpg") < key("p1_back.jpg"));
    }
    use crate::assets::Templates;

    fn builtin() -> Checklists {
        Checklists::parse(&Templates::builtin().get_text(FILE).unwrap()).unwrap()
    }

    fn ids(list: &CategoryList) -> Vec<&str> {
        list.items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn category_one_and_six_lists_follow_the_guide() {
        let c = builtin();
        assert_eq!(c.keys().collect::<Vec<_>>(), vec!["B1", "B6"]);
        let common = [
            "wp_extension_form",
            "visa_application_form",
            "guarantee_letter",
            "labour_contract",
            "passport",
            "residence_permit",
            "work_permit",
            "photo_receipt",
        ];
        let company = [
            "company_tax_certificate",
            "company_bank_statements",
            "business_contracts",
        ];
        let may_ask = ["accommodation_registration", "multi_year_request_letter"];
        let b1: Vec<&str> = common
            .iter()
            .chain(may_ask.iter())
            .chain(company.iter())
            .copied()
            .collect();
        assert_eq!(ids(c.for_key("B1").unwrap()), b1);
        let b6: Vec<&str> = common
            .iter()
            .chain(["salary_certificate", "tax_certificate"].iter())
            .chain(may_ask.iter())
            .chain(company.iter())
            .copied()
            .collect();
        assert_eq!(ids(c.for_key("B6").unwrap()), b6);
        assert!(c.for_key("B2").is_none());
        assert!(c.for_key("A").is_none());
    }

    #[test]
    fn kinds_are_as_designed() {
        let c = builtin();
        let list = c.for_key("B6").unwrap();
        let kind = |id: &str| list.items.iter().find(|i| i.id == id).unwrap().kind;
        assert_eq!(kind("guarantee_letter"), ItemKind::Generated);
        assert_eq!(kind("salary_certificate"), ItemKind::Generated);
        assert_eq!(kind("visa_application_form"), ItemKind::AfterBooking);
        for id in ["passport", "work_permit", "labour_contract"] {
            assert_eq!(kind(id), ItemKind::Original, "{id}");
        }
        for id in [
            "residence_permit",
            "photo_receipt",
            "tax_certificate",
            "wp_extension_form",
        ] {
            assert_eq!(kind(id), ItemKind::Upload, "{id}");
        }
        assert!(list.items.iter().filter(|i| i.company).count() == 3);
        // The photo receipt row keeps its real name, not the seed's copy error.
        let receipt = list.items.iter().find(|i| i.id == "photo_receipt").unwrap();
        assert!(receipt.name_en.contains("photo"));
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let text = Templates::builtin().get_text(FILE).unwrap();
        let unknown = text.replacen(
            "\"photo_receipt\",\n    \"accommodation_registration\"",
            "\"photo_reciept\",\n    \"accommodation_registration\"",
            1,
        );
        assert_ne!(unknown, text);
        let err = Checklists::parse(&unknown).unwrap_err().to_string();
        assert!(
            err.contains("photo_reciept") && err.contains("checklists.toml"),
            "{err}"
        );

        let no_flag = text.replacen(
            "kind = \"upload\"\ncompany = true\n",
            "kind = \"upload\"\n",
            1,
        );
        assert_ne!(no_flag, text);
        let err = Checklists::parse(&no_flag).unwrap_err().to_string();
        assert!(err.contains("company = true"), "{err}");

        let bad_kind = text.replacen("kind = \"original\"", "kind = \"scan\"", 1);
        assert!(Checklists::parse(&bad_kind).is_err());
    }

    #[test]
    fn may_ask_items_need_a_chinese_source_and_term_items_follow_the_term() {
        let text = Templates::builtin().get_text(FILE).unwrap();
        let no_zh = text.replacen(
            "source_zh = \"深圳各区办事指南（坪山区2025年指南；高校外事办公室的延期材料清单）",
            "source_zh_x = \"",
            1,
        );
        assert_ne!(no_zh, text);
        assert!(Checklists::parse(&no_zh).is_err());
        let c = builtin();
        let b6 = c.for_key("B6").unwrap();
        let with = b6.for_term(Some(2.0));
        let without = b6.for_term(Some(1.0));
        assert_eq!(with.len(), without.len() + 1);
        assert!(!without.iter().any(|i| i.id == "multi_year_request_letter"));
        assert_eq!(b6.for_term(None).len(), without.len());
        let acc = with
            .iter()
            .find(|i| i.id == "accommodation_registration")
            .unwrap();
        assert!(acc.optional() && acc.may_ask && acc.kind == ItemKind::Original);
        assert!(!acc.source_zh.is_empty());
    }
}
