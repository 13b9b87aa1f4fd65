//! What a workbook's XML says that the spreadsheet parser does not hand over: which rows of a
//! sheet are hidden (xlsx `<row hidden="1">`, ods `table:visibility="collapse"`), and, for
//! .ods, the number style that pads integers with zeros (`number:min-integer-digits`), given
//! as the equivalent Excel format code so a passport number reads the same in both formats.
//! Best effort: a part that cannot be read gives nothing, and the roster is read without it.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read};

/// The extra facts of one sheet. Rows and columns are zero-based, as in calamine's ranges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetExtras {
    pub hidden_rows: BTreeSet<u32>,
    /// (row, column) -> an Excel number format code (`000000000`) for .ods cells.
    pub formats: HashMap<(u32, u32), String>,
}

/// Upper bound on the bytes of one XML part read here; the package guard has already refused
/// bigger inflations, this only keeps a lying header from mattering.
const MAX_PART: u64 = 256 * 1024 * 1024;
/// Repeated rows beyond this are the empty tail LibreOffice writes, not data.
const MAX_REPEAT: u32 = 10_000;

fn part(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let f = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    f.take(MAX_PART).read_to_end(&mut out).ok()?;
    Some(out)
}

fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| {
            let key = a.key.as_ref().to_string();
            let value = quick_xml::escape::unescape(&a.value)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (key, value)
        })
        .collect()
}

fn attr<'a>(list: &'a [(String, String)], key: &str) -> Option<&'a str> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Walks the start and empty tags of an XML part; `f` gets the tag name, its attributes and
/// whether it is a start tag (with content), and returns false to stop.
fn walk(xml: &[u8], mut f: impl FnMut(Tag<'_>) -> bool) {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        let keep_going = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => f(Tag::Open(e.name().as_ref(), attrs(&e))),
            Ok(Event::Empty(e)) => f(Tag::Empty(e.name().as_ref(), attrs(&e))),
            Ok(Event::End(e)) => f(Tag::Close(e.name().as_ref())),
            Ok(Event::Eof) | Err(_) => false,
            Ok(_) => true,
        };
        if !keep_going {
            break;
        }
        buf.clear();
    }
}

enum Tag<'a> {
    Open(&'a str, Vec<(String, String)>),
    Empty(&'a str, Vec<(String, String)>),
    Close(&'a str),
}

/// Hidden rows of an xlsx sheet, found through workbook.xml and its relationships.
pub fn xlsx(bytes: &[u8], sheet: &str) -> SheetExtras {
    let mut extras = SheetExtras::default();
    let Some(path) = xlsx_sheet_path(bytes, sheet) else {
        return extras;
    };
    let Some(xml) = part(bytes, &path) else {
        return extras;
    };
    let mut next_row = 0u32;
    walk(&xml, |tag| match tag {
        Tag::Open("row", a) | Tag::Empty("row", a) => {
            let row = attr(&a, "r")
                .and_then(|r| r.parse::<u32>().ok())
                .map_or(next_row, |r| r.saturating_sub(1));
            next_row = row + 1;
            if matches!(attr(&a, "hidden"), Some("1" | "true")) {
                extras.hidden_rows.insert(row);
            }
            true
        }
        Tag::Close("sheetData") => false,
        _ => true,
    });
    extras
}

fn xlsx_sheet_path(bytes: &[u8], sheet: &str) -> Option<String> {
    let workbook = part(bytes, "xl/workbook.xml")?;
    let mut rid = None;
    walk(&workbook, |tag| {
        if let Tag::Empty("sheet", a) | Tag::Open("sheet", a) = tag
            && attr(&a, "name") == Some(sheet)
        {
            rid = a
                .iter()
                .find(|(k, _)| k.ends_with(":id") || k == "id")
                .map(|(_, v)| v.clone());
            return false;
        }
        true
    });
    let rid = rid?;
    let rels = part(bytes, "xl/_rels/workbook.xml.rels")?;
    let mut target = None;
    walk(&rels, |tag| {
        if let Tag::Empty("Relationship", a) | Tag::Open("Relationship", a) = tag
            && attr(&a, "Id") == Some(rid.as_str())
        {
            target = attr(&a, "Target").map(str::to_string);
            return false;
        }
        true
    });
    let target = target?;
    Some(match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    })
}

/// Hidden rows and zero-padding number styles of an ods sheet.
pub fn ods(bytes: &[u8], sheet: &str) -> SheetExtras {
    let mut extras = SheetExtras::default();
    let Some(content) = part(bytes, "content.xml") else {
        return extras;
    };
    // Number styles may sit in styles.xml (named styles) or content.xml (automatic ones).
    let mut digits: HashMap<String, u32> = HashMap::new();
    let mut cell_data_style: HashMap<String, String> = HashMap::new();
    for xml in [
        part(bytes, "styles.xml").unwrap_or_default(),
        content.clone(),
    ] {
        ods_styles(&xml, &mut digits, &mut cell_data_style);
    }
    let padded = |style: &str| -> Option<String> {
        let data = cell_data_style.get(style)?;
        let n = *digits.get(data)?;
        (n > 1).then(|| "0".repeat(n as usize))
    };

    let mut in_sheet = false;
    let mut row = 0u32;
    let mut col = 0u32;
    let mut row_repeat = 1u32;
    let mut column_styles: Vec<(u32, Option<String>)> = Vec::new();
    let column_style = |cols: &[(u32, Option<String>)], c: u32| -> Option<String> {
        let mut start = 0u32;
        for (n, s) in cols {
            if c < start.saturating_add(*n) {
                return s.clone();
            }
            start = start.saturating_add(*n);
        }
        None
    };
    walk(&content, |tag| {
        match tag {
            Tag::Open("table:table", a) => {
                in_sheet = attr(&a, "table:name") == Some(sheet);
            }
            Tag::Close("table:table") => {
                if in_sheet {
                    return false;
                }
            }
            _ if !in_sheet => {}
            Tag::Open("table:table-column", a) | Tag::Empty("table:table-column", a) => {
                let n = repeat(&a, "table:number-columns-repeated");
                let style = attr(&a, "table:default-cell-style-name").map(str::to_string);
                column_styles.push((n, style));
            }
            Tag::Open("table:table-row", a) | Tag::Empty("table:table-row", a) => {
                col = 0;
                row_repeat = repeat(&a, "table:number-rows-repeated");
                if matches!(attr(&a, "table:visibility"), Some("collapse" | "filter"))
                    && row_repeat <= MAX_REPEAT
                {
                    extras
                        .hidden_rows
                        .extend(row..row.saturating_add(row_repeat));
                }
            }
            Tag::Close("table:table-row") => {
                row = row.saturating_add(row_repeat);
            }
            Tag::Open(name, a) | Tag::Empty(name, a)
                if name == "table:table-cell" || name == "table:covered-table-cell" =>
            {
                let n = repeat(&a, "table:number-columns-repeated");
                let style = attr(&a, "table:style-name")
                    .map(str::to_string)
                    .or_else(|| column_style(&column_styles, col));
                if let Some(format) = style.as_deref().and_then(padded)
                    && attr(&a, "office:value-type") == Some("float")
                    && n <= MAX_REPEAT
                    && row_repeat <= MAX_REPEAT
                {
                    for r in row..row.saturating_add(row_repeat) {
                        for c in col..col.saturating_add(n) {
                            extras.formats.insert((r, c), format.clone());
                        }
                    }
                }
                col = col.saturating_add(n);
            }
            _ => {}
        }
        true
    });
    extras
}

fn repeat(a: &[(String, String)], key: &str) -> u32 {
    attr(a, key)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Collects `number:number-style` min-integer-digits (whole numbers only) and the data style
/// of each cell style.
fn ods_styles(
    xml: &[u8],
    digits: &mut HashMap<String, u32>,
    cell_data_style: &mut HashMap<String, String>,
) {
    let mut current: Option<String> = None;
    walk(xml, |tag| {
        match tag {
            Tag::Open("number:number-style", a) => {
                current = attr(&a, "style:name").map(str::to_string);
            }
            Tag::Close("number:number-style") => current = None,
            Tag::Open("number:number", a) | Tag::Empty("number:number", a) => {
                let whole = attr(&a, "number:decimal-places").is_none_or(|d| d == "0");
                let grouped = attr(&a, "number:grouping") == Some("true");
                if let (Some(name), Some(n)) = (
                    current.as_ref(),
                    attr(&a, "number:min-integer-digits").and_then(|v| v.parse::<u32>().ok()),
                ) && whole
                    && !grouped
                {
                    digits.insert(name.clone(), n);
                }
            }
            Tag::Open("style:style", a) | Tag::Empty("style:style", a) => {
                if let (Some(name), Some(data)) =
                    (attr(&a, "style:name"), attr(&a, "style:data-style-name"))
                {
                    cell_data_style.insert(name.to_string(), data.to_string());
                }
            }
            _ => {}
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (name, body) in parts {
                w.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(body.as_bytes()).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn xlsx_hidden_rows_through_the_relationships() {
        let bytes = package(&[
            (
                "xl/workbook.xml",
                r#"<workbook xmlns:r="x"><sheets><sheet name="A &amp; B" sheetId="1" r:id="rId7"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId7" Target="worksheets/s9.xml"/></Relationships>"#,
            ),
            (
                "xl/worksheets/s9.xml",
                r#"<worksheet><sheetData><row r="1"/><row r="4" hidden="1"><c r="A4"/></row><row hidden="true"/></sheetData></worksheet>"#,
            ),
        ]);
        let e = xlsx(&bytes, "A & B");
        assert_eq!(e.hidden_rows.into_iter().collect::<Vec<_>>(), [3, 4]);
        assert!(xlsx(&bytes, "other").hidden_rows.is_empty());
        assert_eq!(xlsx(b"not a zip", "A"), SheetExtras::default());
    }

    #[test]
    fn ods_padding_styles_and_hidden_rows() {
        let content = r#"<office:document-content><office:automatic-styles>
<number:number-style style:name="N9"><number:number number:decimal-places="0" number:min-integer-digits="9"/></number:number-style>
<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N9"/>
<style:style style:name="ce2" style:family="table-cell"/>
</office:automatic-styles><office:body><office:spreadsheet>
<table:table table:name="Other"><table:table-row><table:table-cell table:style-name="ce1" office:value-type="float" office:value="1"/></table:table-row></table:table>
<table:table table:name="Staff">
<table:table-column table:number-columns-repeated="2"/><table:table-column table:default-cell-style-name="ce1"/>
<table:table-row><table:table-cell office:value-type="string"/></table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="12345678"/></table:table-row>
<table:table-row table:visibility="collapse"><table:table-cell table:style-name="ce1" office:value-type="float" office:value="5"/><table:table-cell table:style-name="ce2" office:value-type="float" office:value="5"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        let bytes = package(&[("content.xml", content)]);
        let e = ods(&bytes, "Staff");
        assert_eq!(e.hidden_rows.iter().copied().collect::<Vec<_>>(), [3]);
        let mut cells: Vec<_> = e.formats.keys().copied().collect();
        cells.sort();
        assert_eq!(cells, [(1, 2), (2, 2), (3, 0)]);
        assert_eq!(e.formats[&(1, 2)], "000000000");
    }
}
