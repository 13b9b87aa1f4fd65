//! Where a file HR adds for one employee goes (the served page's "add files" on a card): into
//! the scans the documents stage gives that employee, named after the checklist item, in
//! place of the files the stage matched to that item; a photo where the photo stage finds the
//! employee's photo. Names only: the caller moves the bytes.

use super::Run;
use crate::documents::{self, owner::passport_key};
use crate::model::Employee;
use crate::packet::PHOTO_ITEM;

/// Which folder of the run a placement is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Docs,
    Photos,
}

/// Where one added file goes, inside its store (the scans or the photos folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub store: Store,
    /// The folder inside the store (`21AB34567_Dubois`), empty for its top level.
    pub folder: String,
    /// The name without its extension: `passport`; `12AB34567_passport` for a file lying
    /// loose in the scans folder beside the employee's other loose files; `P1234567` for a
    /// photo. With `whole`, the whole name.
    pub stem: String,
    /// The name is the one the roster's photo cell gives: kept as it is, whatever the new
    /// file's type (a photo's format is read from its bytes, not its name).
    pub whole: bool,
    /// Files (paths inside the store) the new one takes the place of.
    pub replaces: Vec<String>,
}

impl Placement {
    /// The path inside the store of the new file, given its extension (without the dot).
    pub fn path(&self, ext: &str) -> String {
        let name = if self.whole || ext.is_empty() {
            self.stem.clone()
        } else {
            format!("{}.{ext}", self.stem)
        };
        if self.folder.is_empty() {
            name
        } else {
            format!("{}/{name}", self.folder)
        }
    }

    /// The place of the `n`th file (from 2) of one item sent together (a card's front and
    /// back): `passport_2`, replacing nothing (the first file replaced the earlier ones).
    pub fn nth(&self, n: usize) -> Placement {
        Placement {
            stem: format!("{}_{n}", self.stem),
            whole: false,
            replaces: Vec::new(),
            ..self.clone()
        }
    }
}

/// Why a file cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    /// No employee of the roster has this passport number.
    NoEmployee,
    /// Not an item of the employee's checklist, nor `photo`: the items there are.
    NoItem { items: Vec<String> },
}

impl Run {
    /// The employee with this passport number (compared as folder names are).
    fn employee_by_passport(&self, passport: &str) -> Result<&Employee, PlaceError> {
        let key = passport_key(passport);
        if key.is_empty() {
            return Err(PlaceError::NoEmployee);
        }
        self.roster
            .rows
            .iter()
            .map(|r| &r.employee)
            .find(|e| e.passport_no.as_deref().map(passport_key).as_deref() == Some(&key))
            .ok_or(PlaceError::NoEmployee)
    }

    /// The employee's checklist as the run judges it.
    fn checklist_of(&self, e: &Employee) -> std::sync::Arc<[crate::rules::ChecklistItem]> {
        let s = &self.setup;
        crate::rules::evaluate(e, self.as_of, &s.rules, &s.calendar).checklist
    }

    /// The items a file can be added for to the employee with this passport number: the ids
    /// of the employee's checklist in order, then `photo`.
    pub fn items_of(&self, passport: &str) -> Result<Vec<String>, PlaceError> {
        let e = self.employee_by_passport(passport)?;
        let mut items: Vec<String> = self.checklist_of(e).iter().map(|i| i.id.clone()).collect();
        items.push(PHOTO_ITEM.to_string());
        Ok(items)
    }

    /// Where a new file of `item` (a checklist item id, or `photo`) for the employee with
    /// this passport number goes, and which files it replaces.
    ///
    /// A scan goes into the folder the documents stage gives the employee, whatever it is
    /// named (by number, by name, `03 张伟`), as `<item>`; beside the employee's loose files
    /// in the scans folder, as `<passport>_<item>`; else into a new folder `<passport>`. It
    /// replaces the files the stage matched to that item. A photo replaces the photo the
    /// photo stage finds (keeping its name, or its whole name when the roster's photo cell
    /// gives it), else goes into the photos folder as `<passport>`; photos named by the
    /// number go either way, so that no older one is read instead.
    pub fn place(&self, passport: &str, item: &str) -> Result<Placement, PlaceError> {
        let e = self.employee_by_passport(passport)?;
        let number = e.passport_no.as_deref().unwrap_or(passport).trim();
        if item == PHOTO_ITEM {
            return Ok(self.place_photo(e, number));
        }
        let checklist = self.checklist_of(e);
        if !checklist.iter().any(|i| i.id == item) {
            let mut items: Vec<String> = checklist.iter().map(|i| i.id.clone()).collect();
            items.push(PHOTO_ITEM.to_string());
            return Err(PlaceError::NoItem { items });
        }
        let own = self
            .docs
            .as_ref()
            .map(|d| d.employee(&*self.inputs, number));
        let Some(own) = own.filter(|o| o.folder.is_some() || !o.documents.is_empty()) else {
            return Ok(Placement {
                store: Store::Docs,
                folder: number.to_string(),
                stem: item.to_string(),
                whole: false,
                replaces: Vec::new(),
            });
        };
        let matched = documents::match_scans_as(&checklist, &own.names(), &[], |name| {
            documents::stem(own.document_name(name)).to_string()
        });
        let folder = own.folder.clone().unwrap_or_default();
        let replaces = matched
            .files_of(item)
            .iter()
            .map(|name| {
                if own.documents.contains_key(name) || folder.is_empty() {
                    name.clone()
                } else {
                    format!("{folder}/{name}")
                }
            })
            .collect();
        let stem = if folder.is_empty() {
            format!("{number}_{item}")
        } else {
            item.to_string()
        };
        Ok(Placement {
            store: Store::Docs,
            folder,
            stem,
            whole: false,
            replaces,
        })
    }

    fn place_photo(&self, e: &Employee, number: &str) -> Placement {
        let max_bytes = self.setup.profile.limits.max_file_bytes;
        let located = self
            .photos
            .as_ref()
            .and_then(|p| p.locate_employee(&*self.inputs, e, max_bytes).ok())
            .map(|l| l.name);
        let by_number: Vec<String> = self
            .photos
            .as_ref()
            .map(|p| p.named_by_number(number).to_vec())
            .unwrap_or_default();
        let cell = e
            .photo
            .as_deref()
            .map(|c| {
                c.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .replace('\\', "/")
            })
            .filter(|c| !c.is_empty());
        let split = |path: &str| match path.rsplit_once('/') {
            Some((folder, name)) => (folder.to_string(), name.to_string()),
            None => (String::new(), path.to_string()),
        };
        let (folder, stem, whole) = match (&located, &cell) {
            (Some(name), Some(_)) => {
                let (folder, name) = split(name);
                (folder, name, true)
            }
            // The cell names a file that is not there: the bare name the photo stage also
            // looks for.
            (None, Some(cell)) => (String::new(), split(cell).1, true),
            (Some(name), None) => {
                let (folder, name) = split(name);
                (folder, documents::stem(&name).to_string(), false)
            }
            (None, None) => (String::new(), number.to_string(), false),
        };
        let mut replaces: Vec<String> = located.into_iter().collect();
        if cell.is_none() {
            replaces.extend(by_number);
        }
        replaces.sort();
        replaces.dedup();
        Placement {
            store: Store::Photos,
            folder,
            stem,
            whole,
            replaces,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{FsInputs, RunInputs};
    use std::path::Path;
    use std::sync::Arc;

    const ROSTER: &str = "\
姓名 Name,中文名 Chinese name,护照号码 Passport No.,国籍 Nationality,出生日期 Date of birth,人才类别 Talent category,职位 Position,入职日期 Start date,工作许可到期日 Work permit expiry,居留许可到期日 Residence permit expiry,年薪 Annual salary,照片 Photo
María García,,P1234567,Spain,1986-04-12,(六),Engineer,2021-03-01,2027-01-25,2027-01-25,480000,
Zhang Wei,张伟,E12345678,Singapore,1984-07-01,(六),Engineer,2021-03-01,2027-01-25,2027-01-25,480000,
Kenji Tanaka,田中健二,TK4829173,Japan,1980-01-15,(六),Manager,2020-05-01,2027-01-25,2027-01-25,600000,
Jean Dubois,,21AB34567,France,1979-09-30,(六),Director,2019-09-01,2027-01-25,2027-01-25,900000,
Anna Nowak,,PL7654321,Poland,1988-05-05,(六),Engineer,2022-01-10,2027-01-25,2027-01-25,360000,nowak.png
Li Na,,LN1000001,Malaysia,1990-02-02,(六),Engineer,2022-01-10,2027-01-25,2027-01-25,360000,
";

    fn write(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    fn company(root: &Path) -> Run {
        std::fs::write(root.join("roster.csv"), ROSTER).unwrap();
        for f in [
            "docs/Maria GARCIA/护照.jpg",
            "docs/03 张伟/护照首页.jpg",
            "docs/03 张伟/居留.jpg",
            "docs/TK4829173 Tanaka/Passport.pdf",
            "docs/TK4829173 Tanaka/劳动合同.pdf",
            "docs/21AB34567_Dubois/passport.pdf",
            "docs/Anna Nowak_passport.pdf",
            "docs/Anna Nowak_合同.pdf",
            "photos/Maria Garcia.jpg",
            "photos/TK4829173.jpg",
            "photos/tk4829173.png",
        ] {
            write(root, f);
        }
        let setup = Arc::new(crate::run::Setup::load(None, "shenzhen-2inch").unwrap());
        let inputs = FsInputs::new(
            root.join("roster.csv"),
            None,
            Some(root.join("photos")),
            Some(root.join("docs")),
        );
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        Run::load(RunInputs::new(setup, inputs, as_of)).unwrap()
    }

    #[test]
    fn a_scan_goes_into_the_folder_the_employee_already_has() {
        let dir = tempfile::tempdir().unwrap();
        let run = company(dir.path());
        let p = run.place("21AB34567", "residence_permit").unwrap();
        assert_eq!(p.path("jpg"), "21AB34567_Dubois/residence_permit.jpg");
        assert!(p.replaces.is_empty(), "{p:?}");
        let p = run.place("21ab34567", "passport").unwrap();
        assert_eq!(p.path("jpg"), "21AB34567_Dubois/passport.jpg");
        assert_eq!(p.replaces, ["21AB34567_Dubois/passport.pdf"]);
        let p = run.place("TK4829173", "passport").unwrap();
        assert_eq!(p.path("pdf"), "TK4829173 Tanaka/passport.pdf");
        assert_eq!(p.replaces, ["TK4829173 Tanaka/Passport.pdf"]);
        let p = run.place("E12345678", "residence_permit").unwrap();
        assert_eq!(p.path("pdf"), "03 张伟/residence_permit.pdf");
        assert_eq!(p.replaces, ["03 张伟/居留.jpg"]);
        let p = run.place("P1234567", "work_permit").unwrap();
        assert_eq!(p.path("png"), "Maria GARCIA/work_permit.png");
        // Loose files named by the person: beside them, named by the number.
        let p = run.place("PL7654321", "labour_contract").unwrap();
        assert_eq!(p.path("pdf"), "PL7654321_labour_contract.pdf");
        assert_eq!(p.replaces, ["Anna Nowak_合同.pdf"]);
        assert_eq!(p.nth(2).path("pdf"), "PL7654321_labour_contract_2.pdf");
        assert!(p.nth(2).replaces.is_empty());
        // Nothing yet: a folder of the number.
        let p = run.place("LN1000001", "passport").unwrap();
        assert_eq!(p.path("pdf"), "LN1000001/passport.pdf");
        assert_eq!(p.store, Store::Docs);
    }

    #[test]
    fn a_photo_replaces_the_one_the_photo_stage_finds() {
        let dir = tempfile::tempdir().unwrap();
        let run = company(dir.path());
        let p = run.place("P1234567", "photo").unwrap();
        assert_eq!(
            (p.store, p.path("png")),
            (Store::Photos, "Maria Garcia.png".into())
        );
        assert_eq!(p.replaces, ["Maria Garcia.jpg"]);
        let p = run.place("TK4829173", "photo").unwrap();
        assert_eq!(p.path("jpg"), "TK4829173.jpg");
        assert_eq!(p.replaces, ["TK4829173.jpg", "tk4829173.png"]);
        // The roster's photo cell names a file that is not there: that name.
        let p = run.place("PL7654321", "photo").unwrap();
        assert_eq!(p.path("jpg"), "nowak.png");
        let p = run.place("LN1000001", "photo").unwrap();
        assert_eq!(p.path("jpeg"), "LN1000001.jpeg");
        assert!(p.replaces.is_empty());
    }

    #[test]
    fn unknown_passports_and_items_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let run = company(dir.path());
        assert_eq!(
            run.place("X0000000", "passport"),
            Err(PlaceError::NoEmployee)
        );
        assert_eq!(run.place("", "passport"), Err(PlaceError::NoEmployee));
        let Err(PlaceError::NoItem { items }) = run.place("P1234567", "diploma") else {
            panic!("an unknown item was placed");
        };
        assert!(items.contains(&"passport".to_string()), "{items:?}");
        assert_eq!(items.last().map(String::as_str), Some("photo"));
        assert_eq!(run.items_of("P1234567").unwrap(), items);
    }

    #[test]
    fn a_file_named_after_an_item_is_matched_to_that_item() {
        let checklists = &crate::run::Setup::load(None, "shenzhen-2inch")
            .unwrap()
            .rules
            .checklists;
        let lists = checklists.keys().filter_map(|k| checklists.for_key(k));
        for list in lists.chain(checklists.common()) {
            let items = list.for_term(Some(9.0));
            for item in items.iter() {
                for name in [format!("{}.pdf", item.id), format!("{}_2.jpg", item.id)] {
                    let m = documents::match_scans(&items, std::slice::from_ref(&name), &[]);
                    assert_eq!(m.files_of(&item.id), std::slice::from_ref(&name), "{name}");
                }
            }
        }
    }
}
