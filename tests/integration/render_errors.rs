//! What goes wrong is reported, never printed as a blank: missing fields, characters the
//! fonts lack, a company's broken template; plus a company's own template in --templates,
//! and rendering from many threads at once.

use crate::fixtures::render::*;
use permitpack::assets::Templates;
use permitpack::catalog::{Catalog, Lang};
use permitpack::countries::Countries;
use permitpack::issue::Issue;
use permitpack::render::{Doc, LetterData, Renderer};
use rayon::prelude::*;

fn builtin() -> Renderer {
    Renderer::new(&Templates::builtin()).unwrap()
}

fn codes(issues: &[Issue]) -> Vec<&str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

#[test]
fn missing_salary_blocks_only_the_salary_certificate() {
    let mut e = employee();
    e.annual_salary = None;
    let data = LetterData::new(&e, &company(), as_of(), Some(1.0), Countries::builtin());
    let r = builtin();
    let issues = r.salary_certificate(&data).unwrap_err();
    assert_eq!(codes(&issues), ["template.missing_field"]);
    let i = &issues[0];
    assert_eq!(i.get("employee"), Some("Maria García López"));
    assert_eq!(i.get("field"), Some("annual salary"));
    assert_eq!(i.get("field_zh"), Some("年收入"));
    assert_eq!(i.get("document_zh"), Some("薪资证明"));
    assert_eq!(i.at.sheet.as_deref(), Some("员工 Staff"));
    assert_eq!(i.at.row, Some(4));
    assert_eq!(
        i.at.cell,
        e.cell_of(permitpack::model::Field::AnnualSalary)
            .map(str::to_string)
    );
    // The message reads as a sentence in both languages.
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    let msg = cat.message(i, Lang::Both);
    assert!(
        msg.contains("年收入") && msg.contains("annual salary"),
        "{msg}"
    );
    assert!(r.guarantee_letter(&data).is_ok());
    assert_eq!(r.check_letter(Doc::SalaryCertificate, &data).len(), 1);
    assert!(r.check_letter(Doc::GuaranteeLetter, &data).is_empty());
}

#[test]
fn guarantee_letter_needs_birth_date_and_term_but_not_the_representative_name() {
    let mut e = employee();
    e.date_of_birth = None;
    e.requested_term_years = None;
    let mut c = company();
    c.legal_representative = Some("   ".into());
    let data = LetterData::new(&e, &c, as_of(), None, Countries::builtin());
    let issues = builtin().guarantee_letter(&data).unwrap_err();
    let fields: Vec<&str> = issues.iter().filter_map(|i| i.get("field_zh")).collect();
    assert_eq!(fields, ["出生日期", "申请居留期限"], "{issues:?}");
    assert!(issues.iter().all(|i| i.code == "template.missing_field"));
    // Without a representative's name the letter is written, its name line left to sign.
    let data = LetterData::new(&employee(), &c, as_of(), Some(1.0), Countries::builtin());
    assert!(builtin().guarantee_letter(&data).is_ok());
}

#[test]
fn uncovered_character_is_drawn_as_a_box_and_named_with_its_code_and_field() {
    let mut e = employee();
    e.position = Some("Chief 🚀 Officer".into());
    let data = LetterData::new(&e, &company(), as_of(), Some(1.0), Countries::builtin());
    // The letter is written all the same, with a warning.
    let pdf = builtin().salary_certificate(&data).unwrap();
    let issues: Vec<_> = pdf
        .warnings
        .iter()
        .filter(|i| i.code == "template.glyph")
        .collect();
    assert_eq!(issues.len(), 1, "{:?}", pdf.warnings);
    assert!(!issues[0].is_error());
    assert_eq!(issues[0].get("char"), Some("🚀"));
    assert_eq!(issues[0].get("code"), Some("U+1F680"));
    assert_eq!(issues[0].get("field_zh"), Some("职务"));
}

#[test]
fn every_template_code_has_a_message() {
    let cat = Catalog::load(&Templates::builtin()).unwrap();
    for code in [
        "template.missing_field",
        "template.glyph",
        "template.error",
        "template.warning",
    ] {
        assert!(cat.contains(code), "{code}");
    }
    // Every field a built-in template requires has a human name.
    let r = builtin();
    for doc in Doc::ALL {
        for path in r.required_fields(doc) {
            assert!(
                cat.contains(&format!("template.field.{path}")),
                "no label for {path} ({doc:?})"
            );
        }
    }
}

#[test]
fn company_template_overrides_the_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("salary_certificate.typ"),
        "// permitpack:requires employee.name employee.annual_salary\n\
         #import \"common.typ\": *\n\
         #let d = json(\"/data.json\")\n\
         #show: letter-page.with(title: \"Own\")\n\
         OWN WORDING for #d.employee.name: #d.employee.annual_salary.capital, #datetime.today().display()\n",
    )
    .unwrap();
    let r = Renderer::new(&Templates::with_dir(dir.path())).unwrap();
    assert_eq!(
        r.required_fields(Doc::SalaryCertificate),
        ["employee.name", "employee.annual_salary"]
    );
    let mut e = employee();
    e.position = None; // not required by this template
    let data = LetterData::new(&e, &company(), as_of(), Some(1.0), Countries::builtin());
    let pdf = r.salary_certificate(&data).unwrap();
    let path = save(dir.path(), "own.pdf", &pdf.bytes);
    let text = text_of(&path);
    // today() is the as-of date, not the clock.
    assert_has(
        &text,
        &[
            "OWN WORDING for Maria García López",
            "人民币肆拾捌万元整",
            "2026-11-26",
        ],
    );
    // The other documents still use the built-in templates, which need the position.
    let issues = r.guarantee_letter(&data).unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].get("field_zh"), Some("职务"));
}

#[test]
fn broken_company_template_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("guarantee_letter.typ"),
        "#let d = json(\"/data.json\")\n\nHello #d.employee.name\n#undefined_function(1)\n",
    )
    .unwrap();
    let r = Renderer::new(&Templates::with_dir(dir.path())).unwrap();
    let issues = r.guarantee_letter(&letter()).unwrap_err();
    assert_eq!(codes(&issues), ["template.error"], "{issues:?}");
    assert_eq!(issues[0].get("file"), Some("guarantee_letter.typ"));
    assert_eq!(issues[0].get("line"), Some("4"));
    assert!(
        issues[0]
            .get("detail")
            .unwrap()
            .contains("undefined_function")
    );
    assert_eq!(issues[0].at.file.as_deref(), Some("guarantee_letter.typ"));
    // The salary certificate is unaffected.
    assert!(r.salary_certificate(&letter()).is_ok());
}

#[test]
fn templates_cannot_reach_outside_files_or_packages() {
    let dir = tempfile::tempdir().unwrap();
    for (n, body) in [
        (1, "#read(\"/etc/passwd\")"),
        (2, "#read(\"../../../../etc/passwd\")"),
        (3, "#import \"@preview/example:0.1.0\": *"),
    ] {
        std::fs::write(dir.path().join("cover.typ"), body).unwrap();
        let r = Renderer::new(&Templates::with_dir(dir.path())).unwrap();
        let issues = r.cover(&cover()).unwrap_err();
        assert_eq!(codes(&issues), ["template.error"], "case {n}: {issues:?}");
    }
}

#[test]
fn unknown_required_field_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cover.typ"),
        "// permitpack:requires employee.nmae\nx",
    )
    .unwrap();
    let err = match Renderer::new(&Templates::with_dir(dir.path())) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a misspelt field must be refused"),
    };
    assert!(
        err.contains("cover.typ") && err.contains("employee.nmae"),
        "{err}"
    );
}

#[test]
fn renders_in_parallel_with_identical_results() {
    let r = builtin();
    let data: Vec<LetterData> = (0..24)
        .map(|i| {
            let mut e = employee();
            e.passport_no = Some(format!("PA{i:07}"));
            e.annual_salary = Some(permitpack::model::Fen::from_yuan(300_000 + i * 10_501));
            LetterData::new(&e, &company(), as_of(), Some(1.0), Countries::builtin())
        })
        .collect();
    let sequential: Vec<Vec<u8>> = data
        .iter()
        .map(|d| r.salary_certificate(d).unwrap().bytes)
        .collect();
    let parallel: Vec<Vec<u8>> = data
        .par_iter()
        .map(|d| r.clone().salary_certificate(d).unwrap().bytes)
        .collect();
    assert!(sequential == parallel, "parallel output differs");
    // Every document carries its own employee's amount.
    let dir = tempfile::tempdir().unwrap();
    let path = save(dir.path(), "p7.pdf", &parallel[7]);
    assert_has(
        &text_of(&path),
        &["PA0000007", "373,507.00", "人民币叁拾柒万叁仟伍佰零柒元整"],
    );
}

#[test]
fn callers_with_small_stacks_and_their_own_rayon_pool_are_fine() {
    // The pipeline calls the renderer from rayon workers; typesetting must not depend on
    // their stack size nor run other queued work nested inside a document.
    let r = builtin();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .stack_size(256 * 1024)
        .build()
        .unwrap();
    let sizes: Vec<usize> = pool.install(|| {
        (0..48)
            .into_par_iter()
            .map(|i| {
                let pdf = match i % 3 {
                    0 => r.cover(&cover()),
                    1 => r.salary_certificate(&letter()),
                    _ => r.guarantee_letter(&letter()),
                };
                pdf.unwrap().bytes.len()
            })
            .collect()
    });
    assert!(sizes.iter().all(|&n| n > 10_000), "{sizes:?}");
}
