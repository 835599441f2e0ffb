//! The layout check: render papers and read their XML back for the rules of Decree 30/2020/
//! NĐ-CP, Appendix I. With `SK_PAPERS_DIR` set, the rendered files are also written there for
//! `tests/papers.sh` to convert and look at.

use std::io::{Cursor, Read};

use chrono::{NaiveDate, TimeZone, Utc};
use sangkien_papers::docx::{Block, TEXT_WIDTH};
use sangkien_papers::{Authority, Letterhead, OfficialPaper, Signature, TableSpec};

fn letterhead(signed: bool) -> Letterhead {
    Letterhead {
        superior: Some("UBND tỉnh Vĩnh Phúc".into()),
        body: "Ủy ban nhân dân huyện Tam Dương".into(),
        number: signed.then(|| "05/QĐ-UBND".into()),
        symbol: "QĐ-UBND".into(),
        place: "Tam Dương".into(),
        date: signed
            .then(|| NaiveDate::from_ymd_opt(2027, 2, 5))
            .flatten(),
        year: 2027,
    }
}

fn paper(signed: bool, rows: usize) -> OfficialPaper {
    let long = "Ứng dụng phần mềm quản lý hồ sơ học sinh trực tuyến giúp giảm thời gian tổng hợp \
                báo cáo định kỳ của các trường tiểu học trên địa bàn huyện";
    OfficialPaper {
        letterhead: letterhead(signed),
        kind: "Quyết định".into(),
        summary: "Về việc công nhận sáng kiến năm 2026".into(),
        draft: !signed,
        blocks: vec![
            Block::Heading("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM DƯƠNG".into()),
            Block::Basis("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;".into()),
            Block::Basis("Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ Sáng kiến;".into()),
            Block::Basis("Theo đề nghị của Hội đồng sáng kiến huyện.".into()),
            Block::Heading("QUYẾT ĐỊNH:".into()),
            Block::Article { number: 1, text: format!("Công nhận {rows} sáng kiến có tên trong Phụ lục kèm theo Quyết định này.") },
            Block::Article { number: 2, text: "Quyết định có hiệu lực kể từ ngày ký.".into() },
            Block::Article { number: 3, text: "Chánh Văn phòng HĐND và UBND huyện, các tác giả có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into() },
            Block::Heading("Phụ lục".into()),
            Block::Note("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN".into()),
            Block::Table(TableSpec {
                header: ["STT", "Tên sáng kiến", "Tác giả (tỷ lệ)", "Đơn vị", "Phạm vi áp dụng", "Điểm", "Xếp loại"].map(String::from).to_vec(),
                widths: vec![600, 2500, 1900, 1450, 1250, 850, 800],
                rows: (1..=rows).map(|i| vec![i.to_string(), long.into(), "Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)".into(), "Trường Tiểu học Hợp Hòa".into(), "Cấp huyện".into(), "17,50".into(), "Khá".into()]).collect(),
            }),
        ],
        recipients: vec!["Như Điều 3".into(), "Chủ tịch, các PCT UBND huyện".into(), "Lưu: VT".into()],
        signatures: vec![Signature {
            authority: Authority::Deputy { head: "Chủ tịch".into(), position: "Phó Chủ tịch".into() },
            name: if signed { "Lê Văn Bình".into() } else { String::new() },
        }],
        created: Utc.with_ymd_and_hms(2027, 2, 5, 8, 30, 0).single().unwrap_or_default(),
    }
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect(name)
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

fn render(p: &OfficialPaper, file: &str) -> Vec<u8> {
    let bytes = p.render().expect("renders");
    if let Ok(dir) = std::env::var("SK_PAPERS_DIR") {
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(format!("{dir}/{file}"), &bytes).expect("write");
    }
    bytes
}

#[test]
fn the_page_is_a4_with_the_decree_margins_and_times_new_roman_13() {
    let doc = part(
        &render(&paper(true, 12), "decision-sample.docx"),
        "word/document.xml",
    );
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(doc.contains(r#"w:top="1134""#) && doc.contains(r#"w:bottom="1134""#));
    assert!(doc.contains(r#"w:left="1701""#) && doc.contains(r#"w:right="850""#));
    let styles = part(
        &render(&paper(true, 1), "decision-short.docx"),
        "word/styles.xml",
    );
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    assert!(styles.contains(r#"<w:sz w:val="26" />"#) || styles.contains(r#"<w:sz w:val="26"/>"#));
}

#[test]
fn the_national_name_is_bold_12_pt_in_a_column_wide_enough_for_one_line() {
    let doc = part(
        &paper(true, 1).render().expect("renders"),
        "word/document.xml",
    );
    let at = doc
        .find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        .expect("national name");
    let run = &doc[doc[..at].rfind("<w:r>").expect("its run")..at];
    assert!(
        run.contains("<w:b />") || run.contains("<w:b/>"),
        "bold: {run}"
    );
    assert!(run.contains(r#"w:val="24""#), "12 pt: {run}");
    // 34 letters of Times New Roman bold 12 pt take about 95 mm; the column is 101 mm.
    assert!(
        doc.contains(r#"<w:gridCol w:w="5755" w:type="dxa" />"#) || doc.contains(r#"w:w="5755""#)
    );
    assert!(doc.contains("Độc lập - Tự do - Hạnh phúc"));
    assert!(
        doc.matches(r#"<w:u w:val="single""#).count() >= 3,
        "lines under body, motto and summary"
    );
}

#[test]
fn the_date_line_is_italic_with_leading_zeros_and_the_number_line_is_printed_once() {
    let doc = part(
        &paper(true, 1).render().expect("renders"),
        "word/document.xml",
    );
    let at = doc
        .find("Tam Dương, ngày 05 tháng 02 năm 2027")
        .expect("date line");
    let run = &doc[doc[..at].rfind("<w:r>").expect("its run")..at];
    assert!(
        run.contains("<w:i />") || run.contains("<w:i/>"),
        "italic: {run}"
    );
    assert_eq!(doc.matches("Số: 05/QĐ-UBND").count(), 1);
}

#[test]
fn articles_are_bold_bases_italic_and_body_justified_with_first_line_indent() {
    let doc = part(
        &paper(true, 1).render().expect("renders"),
        "word/document.xml",
    );
    let at = doc.find("Điều 1. ").expect("article");
    let run = &doc[doc[..at].rfind("<w:r>").expect("its run")..at];
    assert!(run.contains("<w:b />") || run.contains("<w:b/>"));
    let at = doc.find("Căn cứ Luật").expect("basis");
    let run = &doc[doc[..at].rfind("<w:r>").expect("its run")..at];
    assert!(run.contains("<w:i />") || run.contains("<w:i/>"));
    let para = &doc[doc[..at].rfind("<w:p ").expect("its paragraph")..at];
    assert!(para.contains(r#"<w:jc w:val="both""#), "{para}");
    assert!(para.contains(r#"w:firstLine="567""#), "{para}");
    assert!(para.contains(r#"w:after="120""#), "{para}");
}

#[test]
fn tables_have_a_grid_within_the_text_area_and_as_many_header_cells_as_data_cells() {
    let p = paper(true, 3);
    let doc = part(&p.render().expect("renders"), "word/document.xml");
    for w in [600, 2500, 1900, 1450, 1250, 850, 800] {
        assert!(
            doc.contains(&format!(r#"<w:gridCol w:w="{w}""#)),
            "grid col {w}"
        );
    }
    assert!(doc.contains("Đơn vị"));
    let mut bad = p.clone();
    if let Some(Block::Table(t)) = bad.blocks.last_mut() {
        t.header.pop();
    }
    assert!(
        bad.render().is_err(),
        "6 header cells over 7 data cells is refused"
    );
    let mut wide = p;
    if let Some(Block::Table(t)) = wide.blocks.last_mut() {
        t.widths[1] += TEXT_WIDTH;
    }
    assert!(
        wide.render().is_err(),
        "a table wider than the text area is refused"
    );
}

#[test]
fn page_numbers_start_on_page_2_at_the_top_centre() {
    let docx = paper(true, 1).render().expect("renders");
    let doc = part(&docx, "word/document.xml");
    assert!(
        doc.contains("<w:titlePg />") || doc.contains("<w:titlePg/>"),
        "first page differs"
    );
    assert!(doc.contains(r#"w:type="first""#) && doc.contains(r#"w:type="default""#));
    let mut found = false;
    let mut zip = zip::ZipArchive::new(Cursor::new(&docx[..])).expect("zip");
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("part");
        if f.name().starts_with("word/header") {
            let mut s = String::new();
            f.read_to_string(&mut s).expect("utf-8");
            found |= s.contains("PAGE") && s.contains(r#"<w:jc w:val="center""#);
        }
    }
    assert!(found, "a header part holds the centred PAGE field");
}

#[test]
fn recipients_are_12_pt_bold_italic_heading_with_11_pt_items_and_the_signer_has_room_to_sign() {
    let doc = part(
        &paper(true, 1).render().expect("renders"),
        "word/document.xml",
    );
    let at = doc.find("Nơi nhận:").expect("recipients");
    let run = &doc[doc[..at].rfind("<w:r>").expect("its run")..at];
    assert!(run.contains("<w:b />") || run.contains("<w:b/>"));
    assert!(run.contains("<w:i />") || run.contains("<w:i/>"));
    assert!(run.contains(r#"w:val="24""#));
    assert!(doc.contains("- Như Điều 3;") && doc.contains("- Lưu: VT."));
    assert!(doc.contains("KT. CHỦ TỊCH") && doc.contains("PHÓ CHỦ TỊCH"));
    let sign =
        &doc[doc.find("PHÓ CHỦ TỊCH").expect("position")..doc.find("Lê Văn Bình").expect("name")];
    assert!(
        sign.matches("<w:p ").count() >= 4,
        "at least four empty lines to sign and seal"
    );
}

#[test]
fn a_draft_is_marked_and_prints_blank_number_and_date() {
    let doc = part(
        &render(&paper(false, 12), "decision-draft.docx"),
        "word/document.xml",
    );
    assert!(doc.contains("DỰ THẢO"));
    assert!(doc.contains("Số:       /QĐ-UBND"));
    assert!(doc.contains("Tam Dương, ngày      tháng      năm 2027"));
    let signed = part(
        &paper(true, 1).render().expect("renders"),
        "word/document.xml",
    );
    assert!(!signed.contains("DỰ THẢO"));
}

#[test]
fn the_properties_name_the_title_the_body_as_author_and_the_creation_time() {
    let core = part(
        &paper(true, 1).render().expect("renders"),
        "docProps/core.xml",
    );
    assert!(
        core.contains("<dc:title>Quyết định về việc công nhận sáng kiến năm 2026</dc:title>"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>Ủy ban nhân dân huyện Tam Dương</dc:creator>"));
    assert!(core.contains("2027-02-05T08:30:00Z"));
}

#[test]
fn the_same_paper_gives_the_same_bytes_twice() {
    let first = paper(true, 2).render().expect("renders");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(first, paper(true, 2).render().expect("renders"));
    // Another paper twice on the same thread: docx-rs's paragraph-id counter runs on between
    // papers (a decision, then its certificates).
    let mut other = paper(true, 1);
    other.summary.clear();
    other.recipients.clear();
    let once = other.render().expect("renders");
    assert_eq!(once, other.render().expect("renders"));
}

#[test]
fn the_layout_check_passes_the_sample_papers_and_names_what_a_broken_one_breaks() {
    use sangkien_papers::check::layout_problems;
    for p in [paper(true, 12), paper(false, 3)] {
        let bytes = p.render().expect("renders");
        assert_eq!(layout_problems(&bytes), Vec::<String>::new());
    }
    let mut annexed = paper(true, 2);
    let annex = annexed.blocks.split_off(8);
    let bytes = annexed.render_with_annex(&annex).expect("renders");
    assert_eq!(layout_problems(&bytes), Vec::<String>::new());
    let doc = part(&bytes, "word/document.xml");
    assert!(
        doc.find(r#"<w:br w:type="page""#) > doc.find("Lê Văn Bình"),
        "the annex starts on a new page after the signature"
    );
    // A paper written without this crate (the old renderers): the check names what is wrong.
    let mut doc = docx_rs::Docx::new();
    doc = doc.add_paragraph(
        docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("Điều 1. Công nhận")),
    );
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).expect("packs");
    let problems = layout_problems(&out.into_inner());
    for rule in [
        "margin top 1134 twips",
        "national name printed",
        "\"Điều 1. Công nhận\" in bold",
    ] {
        assert!(problems.iter().any(|p| p == rule), "{rule}: {problems:?}");
    }
}
