//! The receipt of a registered dossier (giấy biên nhận hồ sơ) as DOCX, written through the
//! one page layout of `sangkien-papers` (Decree 30/2020/NĐ-CP, Appendix I) like the decision
//! and the minutes: the office prints it, signs it and hands it to the authors, who keep it as
//! proof of the date their dossier was received [Charter Art. 6(2)].

use chrono::{DateTime, NaiveDate, Utc};
use sangkien_papers::{Authority, Letterhead, OfficialPaper, Signature, TableSpec, docx::Block};

/// What the receipt says, read from the registered dossier.
#[derive(Debug, Clone)]
pub struct ReceiptPaper {
    /// The receiving office's superior unit (`UBND HUYỆN VĨNH TƯỜNG`), when it has one.
    pub superior: Option<String>,
    /// The receiving office (`Phòng Giáo dục và Đào tạo`).
    pub office: String,
    /// The place name printed before the date (`Vĩnh Tường`).
    pub place: String,
    /// The register number in the plan's field.
    pub register_number: i32,
    pub received_on: NaiveDate,
    pub decision_due_on: NaiveDate,
    /// `163/KH-UBND`.
    pub plan_symbol: String,
    pub plan_title: String,
    /// The field's name (`Giáo dục và Đào tạo`).
    pub field_name: String,
    /// The initiative's name.
    pub name: String,
    /// Authors with their share (`Nguyễn Thị Hoa (60%)`).
    pub authors: Vec<String>,
    /// The authors' unit.
    pub unit: String,
    /// Names of the attached files received.
    pub attachments: Vec<String>,
    /// Who registered the dossier; empty leaves the room to write the name by hand.
    pub received_by: String,
    /// When it was registered, for the document properties.
    pub created: DateTime<Utc>,
}

/// Column widths of the table of papers received, filling the text area (9355 twips).
pub const PAPER_WIDTHS: [usize; 3] = [800, 6755, 1800];

/// `Nguyễn Thị Hoa (60%)`: a share printed the Vietnamese way (comma decimals).
pub fn author_line(full_name: &str, percent: f64) -> String {
    let share = if percent.fract() == 0.0 {
        format!("{percent:.0}")
    } else {
        format!("{percent:.2}")
            .trim_end_matches('0')
            .replace('.', ",")
    };
    format!("{} ({share}%)", full_name.trim())
}

/// The place name of a unit's name: `Ủy ban nhân dân huyện Vĩnh Tường` → `Vĩnh Tường`, so
/// that the date line names a place and never an office. A name without an administrative
/// level gives no place: the date line then prints the date alone.
pub fn place_of(unit_name: &str) -> String {
    let lower = unit_name.to_lowercase();
    for level in [
        "thành phố ",
        "thị xã ",
        "thị trấn ",
        "huyện ",
        "quận ",
        "tỉnh ",
        "phường ",
        "xã ",
    ] {
        if let Some(at) = lower.find(level) {
            // Lower-casing Vietnamese keeps byte lengths of these prefixes, and `at` is
            // measured on the lower-cased name; read the rest from the same offset.
            let rest = lower.len() - at - level.len();
            let start = unit_name.len().saturating_sub(rest);
            if let Some(place) = unit_name.get(start..) {
                let place = place.trim();
                if !place.is_empty() {
                    return place.to_owned();
                }
            }
        }
    }
    String::new()
}

/// The receipt as an [`OfficialPaper`].
pub fn paper(r: &ReceiptPaper) -> OfficialPaper {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut rows = vec![vec![
        "1".to_owned(),
        "Đơn đề nghị công nhận sáng kiến".to_owned(),
        "1 bản".to_owned(),
    ]];
    rows.extend(r.attachments.iter().enumerate().map(|(i, name)| {
        vec![
            (i + 2).to_string(),
            format!("Tệp đính kèm: {}", name.trim()),
            "1 tệp".to_owned(),
        ]
    }));
    let blocks = vec![
        Block::Text(format!(
            "{} đã tiếp nhận hồ sơ đề nghị công nhận sáng kiến theo Kế hoạch số {} ({}), cụ thể như sau:",
            r.office.trim(),
            r.plan_symbol.trim(),
            r.plan_title.trim()
        )),
        Block::Text(format!("Tên sáng kiến: {}.", r.name.trim())),
        Block::Text(format!("Tác giả: {}.", r.authors.join(", "))),
        Block::Text(format!("Đơn vị: {}.", r.unit.trim())),
        Block::Text(format!("Lĩnh vực: {}.", r.field_name.trim())),
        Block::Text(format!(
            "Số vào sổ: {}; ngày tiếp nhận: {}.",
            r.register_number,
            day(r.received_on)
        )),
        Block::Text("Thành phần hồ sơ đã nhận:".to_owned()),
        Block::Table(TableSpec {
            header: ["STT", "Tên tài liệu", "Số lượng"]
                .map(String::from)
                .to_vec(),
            widths: PAPER_WIDTHS.to_vec(),
            rows,
        }),
        Block::Text(format!(
            "Kết quả xét công nhận sáng kiến được trả trước ngày {}.",
            day(r.decision_due_on)
        )),
    ];
    OfficialPaper {
        letterhead: Letterhead {
            superior: r.superior.clone(),
            body: r.office.clone(),
            number: Some(format!("{:02}/BN", r.register_number)),
            symbol: "BN".into(),
            place: r.place.clone(),
            date: Some(r.received_on),
            year: chrono::Datelike::year(&r.received_on),
        },
        kind: "Giấy biên nhận".into(),
        summary: "Hồ sơ đề nghị công nhận sáng kiến".into(),
        draft: false,
        blocks,
        recipients: vec!["- Tác giả sáng kiến;".into(), "- Lưu: hồ sơ.".into()],
        signatures: vec![Signature {
            authority: Authority::Head {
                position: "Người tiếp nhận".into(),
            },
            name: r.received_by.clone(),
        }],
        created: r.created,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sangkien_papers::check::{english_words, layout_problems, plain_text};

    fn sample() -> ReceiptPaper {
        ReceiptPaper {
            superior: Some("UBND huyện Vĩnh Tường".into()),
            office: "Phòng Giáo dục và Đào tạo".into(),
            place: place_of("Ủy ban nhân dân huyện Vĩnh Tường"),
            register_number: 1,
            received_on: NaiveDate::from_ymd_opt(2022, 2, 15).unwrap_or_default(),
            decision_due_on: NaiveDate::from_ymd_opt(2022, 5, 15).unwrap_or_default(),
            plan_symbol: "163/KH-UBND".into(),
            plan_title: "Kế hoạch xét công nhận sáng kiến năm 2022".into(),
            field_name: "Giáo dục và Đào tạo".into(),
            name: "Dạy học phân hóa môn Toán 9".into(),
            authors: vec![
                author_line("Nguyễn Thị Hoa", 60.0),
                author_line("Trần Văn Nam", 40.0),
            ],
            unit: "Trường THCS Lý Tự Trọng".into(),
            attachments: vec!["mo-ta.pdf".into()],
            received_by: "Lê Thị Thu".into(),
            created: chrono::TimeZone::with_ymd_and_hms(&Utc, 2022, 2, 15, 2, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_receipt_passes_the_layout_check_and_says_what_was_received() {
        let bytes = paper(&sample()).render().unwrap_or_default();
        assert_eq!(layout_problems(&bytes), Vec::<String>::new());
        sangkien_papers::check::keep("receipt.docx", &bytes).unwrap_or_default();
        let text = plain_text(&bytes);
        for expected in [
            "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
            "Số: 01/BN",
            "Vĩnh Tường, ngày 15 tháng 02 năm 2022",
            "GIẤY BIÊN NHẬN",
            "Dạy học phân hóa môn Toán 9",
            "Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)",
            "Trường THCS Lý Tự Trọng",
            "Tệp đính kèm: mo-ta.pdf",
            "15/05/2022",
            "NGƯỜI TIẾP NHẬN",
            "Lê Thị Thu",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
        assert_eq!(english_words(&text), Vec::<String>::new());
    }

    #[test]
    fn the_date_line_names_the_place_not_the_office() {
        assert_eq!(place_of("Ủy ban nhân dân huyện Vĩnh Tường"), "Vĩnh Tường");
        assert_eq!(place_of("UBND xã Tân Lập"), "Tân Lập");
        assert_eq!(place_of("Phòng Giáo dục và Đào tạo"), "");
        assert_eq!(author_line("Trần Văn Nam", 33.5), "Trần Văn Nam (33,5%)");
    }
}
