//! Minutes (biên bản) of a sitting as DOCX, written through the one page layout of
//! `sangkien-papers` (Decree 30/2020/NĐ-CP, Appendix I) [DOMAIN §6]: its number, the body and
//! the panel, the body's place and the date, start and end times, who chaired and who took
//! the minutes, members present and absent by panel role, per dossier the average, grade and
//! vote under the two-thirds rule, the conclusion, and the two signatures. Built only from what
//! was recorded, so the same sitting always gives the same document.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sangkien_papers::{Authority, Letterhead, OfficialPaper, Signature, TableSpec, docx::Block};

/// One member of the panel, present or not.
#[derive(Debug, Clone)]
pub struct MinutesMember {
    pub full_name: String,
    /// The role as written in the minutes (`Chủ tịch Hội đồng`).
    pub role_label: String,
    pub present: bool,
}

/// A council's vote on one dossier, as the minutes print it.
#[derive(Debug, Clone)]
pub struct MinutesVote {
    /// `giơ tay`, `bỏ phiếu kín`.
    pub method: String,
    pub in_favour: usize,
    pub against: usize,
    pub abstaining: usize,
    /// Members who may vote on this dossier.
    pub members: usize,
    /// Votes in favour needed (two thirds, rounded up).
    pub required: usize,
}

/// One dossier discussed.
#[derive(Debug, Clone)]
pub struct MinutesItem {
    pub register_number: i32,
    pub name: String,
    pub authors: String,
    /// `17,50`, or empty.
    pub average: String,
    pub grade: String,
    /// The council's vote; `None` at a team sitting.
    pub vote: Option<MinutesVote>,
    /// `Đề nghị công nhận`.
    pub conclusion: String,
    /// True when recommended.
    pub recommended: bool,
}

/// What the minutes say.
#[derive(Debug, Clone)]
pub struct Minutes {
    /// `Hội đồng sáng kiến huyện Vĩnh Tường năm 2022`.
    pub panel_name: String,
    pub council: bool,
    /// `01/BB-HĐSK`: the sitting's place among the panel's held sittings of the year.
    pub number: String,
    /// The recognising body (`ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG`); the panel's name when the
    /// sitting did not record it.
    pub body_name: String,
    pub superior_name: Option<String>,
    /// The body's place name (`Vĩnh Tường`), never the room.
    pub locality: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub ends_at: Option<NaiveTime>,
    /// The room (`Hội trường UBND huyện`).
    pub place: String,
    pub members: Vec<MinutesMember>,
    pub items: Vec<MinutesItem>,
    pub notes: String,
    pub chair: String,
    pub secretary: String,
    /// When the sitting was closed: the document's creation time.
    pub created: DateTime<Utc>,
}

/// `08 giờ 00`.
fn clock(t: NaiveTime) -> String {
    t.format("%H giờ %M").to_string()
}

/// Column widths of the members' table, filling the text area (9355 twips).
pub const MEMBER_WIDTHS: [usize; 4] = [700, 3900, 3055, 1700];
/// Column widths of the results' table, filling the text area.
pub const RESULT_WIDTHS: [usize; 8] = [700, 2755, 850, 850, 950, 1050, 1050, 1150];

/// The minutes as an [`OfficialPaper`].
pub fn paper(m: &Minutes) -> OfficialPaper {
    let present: Vec<&MinutesMember> = m.members.iter().filter(|x| x.present).collect();
    let absent: Vec<&MinutesMember> = m.members.iter().filter(|x| !x.present).collect();
    let day = sangkien_papers::day_text(m.held_on);
    let mut blocks = Vec::new();
    blocks.push(Block::Text(match (m.starts_at, m.ends_at) {
        (Some(from), Some(to)) => {
            format!("Thời gian: từ {} đến {}, {day}.", clock(from), clock(to))
        }
        (Some(from), None) => format!("Thời gian: bắt đầu lúc {}, {day}.", clock(from)),
        _ => format!("Thời gian: {day}."),
    }));
    blocks.push(Block::Text(format!("Địa điểm: {}.", m.place.trim())));
    blocks.push(Block::Heading("I. THÀNH PHẦN".into()));
    blocks.push(Block::Text(format!(
        "Chủ trì: {}. Thư ký: {}.",
        m.chair, m.secretary
    )));
    blocks.push(Block::Text(format!(
        "Có mặt {}/{} thành viên:",
        present.len(),
        m.members.len()
    )));
    blocks.push(Block::Table(TableSpec {
        header: ["STT", "Họ và tên", "Chức danh", "Có mặt"]
            .map(String::from)
            .to_vec(),
        widths: MEMBER_WIDTHS.to_vec(),
        rows: m
            .members
            .iter()
            .enumerate()
            .map(|(i, x)| {
                vec![
                    (i + 1).to_string(),
                    x.full_name.clone(),
                    x.role_label.clone(),
                    if x.present {
                        "Có mặt"
                    } else {
                        "Vắng mặt"
                    }
                    .into(),
                ]
            })
            .collect(),
    }));
    blocks.push(Block::Text(if absent.is_empty() {
        "Vắng mặt: không.".to_owned()
    } else {
        format!(
            "Vắng mặt: {}.",
            absent
                .iter()
                .map(|x| format!("{} ({})", x.full_name, x.role_label))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }));
    blocks.push(Block::Heading("II. NỘI DUNG VÀ KẾT QUẢ".into()));
    if m.council {
        let needed = m.items.iter().filter_map(|i| i.vote.as_ref()).next();
        blocks.push(Block::Text(match needed {
            Some(v) => format!(
                "Theo Điều 8 Thông tư số 18/2013/TT-BKHCN, sáng kiến được Hội đồng đề nghị công nhận khi có ít nhất hai phần ba tổng số thành viên tán thành: cần {}/{} thành viên (trừ thành viên là tác giả của sáng kiến được xét).",
                v.required, v.members
            ),
            None => "Theo Điều 8 Thông tư số 18/2013/TT-BKHCN, sáng kiến được Hội đồng đề nghị công nhận khi có ít nhất hai phần ba tổng số thành viên tán thành.".into(),
        }));
    }
    blocks.push(Block::Table(TableSpec {
        header: [
            "STT",
            "Tên sáng kiến, tác giả",
            "Điểm TB",
            "Xếp loại",
            "Tán thành",
            "Không tán thành",
            "Không biểu quyết",
            "Kết luận",
        ]
        .map(String::from)
        .to_vec(),
        widths: RESULT_WIDTHS.to_vec(),
        rows: m
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let (f, a, n) = match &it.vote {
                    Some(v) => (
                        format!("{}/{}", v.in_favour, v.members),
                        v.against.to_string(),
                        v.abstaining.to_string(),
                    ),
                    None => Default::default(),
                };
                vec![
                    (i + 1).to_string(),
                    format!("{:02}. {} ({})", it.register_number, it.name, it.authors),
                    it.average.clone(),
                    it.grade.clone(),
                    f,
                    a,
                    n,
                    it.conclusion.clone(),
                ]
            })
            .collect(),
    }));
    for it in &m.items {
        if let Some(v) = &it.vote {
            blocks.push(Block::Text(format!(
                "- \"{}\": biểu quyết {}, {}/{} tán thành (cần {}), {} không tán thành, {} không biểu quyết: {}.",
                it.name,
                v.method,
                v.in_favour,
                v.members,
                v.required,
                v.against,
                v.abstaining,
                lower_first(&it.conclusion)
            )));
        }
    }
    if !m.notes.trim().is_empty() {
        blocks.push(Block::Text(format!("Ý kiến khác: {}", m.notes.trim())));
    }
    blocks.push(Block::Heading("III. KẾT LUẬN".into()));
    let recommended: Vec<&MinutesItem> = m.items.iter().filter(|i| i.recommended).collect();
    let who = if m.council {
        "Hội đồng"
    } else {
        "Tổ thẩm định"
    };
    blocks.push(Block::Text(format!(
        "{who} đề nghị công nhận {} sáng kiến{}; không đề nghị công nhận {} sáng kiến.",
        recommended.len(),
        if recommended.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                recommended
                    .iter()
                    .map(|i| format!("\"{}\"", i.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        m.items.len() - recommended.len()
    )));
    blocks.push(Block::Text(format!(
        "Cuộc họp kết thúc{} cùng ngày. Biên bản đã được đọc lại cho các thành viên có mặt cùng nghe và thống nhất thông qua.",
        m.ends_at
            .map(|t| format!(" lúc {}", clock(t)))
            .unwrap_or_default()
    )));
    let symbol = if m.council { "BB-HĐSK" } else { "BB-TTĐ" };
    OfficialPaper {
        letterhead: Letterhead {
            superior: m.superior_name.clone(),
            body: m.body_name.clone(),
            number: Some(m.number.clone()),
            symbol: symbol.into(),
            place: m.locality.clone(),
            date: Some(m.held_on),
            year: chrono::Datelike::year(&m.held_on),
        },
        kind: "Biên bản".into(),
        summary: format!("Họp {} xét công nhận sáng kiến", m.panel_name),
        draft: false,
        blocks,
        recipients: Vec::new(),
        signatures: vec![
            Signature {
                authority: Authority::Head {
                    position: "Thư ký".into(),
                },
                name: m.secretary.clone(),
            },
            Signature {
                authority: Authority::Head {
                    position: if m.council {
                        "Chủ tịch Hội đồng".into()
                    } else {
                        "Tổ trưởng Tổ thẩm định".into()
                    },
                },
                name: m.chair.clone(),
            },
        ],
        created: m.created,
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The minutes' number: `01/BB-HĐSK`, the sitting's place among the panel's sittings held
/// that year.
pub fn number(position: usize, council: bool) -> String {
    let symbol = if council { "BB-HĐSK" } else { "BB-TTĐ" };
    format!("{position:02}/{symbol}")
}

/// The minutes as DOCX bytes.
pub fn render(m: &Minutes) -> anyhow::Result<Vec<u8>> {
    Ok(paper(m).render()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sangkien_papers::check::{layout_problems, plain_text};

    fn minutes() -> Minutes {
        let member = |n: &str, r: &str, present| MinutesMember {
            full_name: n.into(),
            role_label: r.into(),
            present,
        };
        Minutes {
            panel_name: "Hội đồng sáng kiến huyện Vĩnh Tường năm 2022".into(),
            council: true,
            number: number(1, true),
            body_name: "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG".into(),
            superior_name: Some("UBND TỈNH VĨNH PHÚC".into()),
            locality: "Vĩnh Tường".into(),
            held_on: NaiveDate::from_ymd_opt(2022, 3, 5).unwrap_or_default(),
            starts_at: NaiveTime::from_hms_opt(8, 0, 0),
            ends_at: NaiveTime::from_hms_opt(11, 30, 0),
            place: "Hội trường UBND huyện".into(),
            members: vec![
                member("Trịnh Văn Hội", "Chủ tịch Hội đồng", true),
                member("Lê Thị Thu", "Thư ký", true),
                member("Phan Văn Phó", "Phó Chủ tịch", false),
            ],
            items: vec![MinutesItem {
                register_number: 1,
                name: "Dạy học phân hóa môn Toán 9".into(),
                authors: "Nguyễn Thị Hoa, Trần Văn Nam".into(),
                average: "15,25".into(),
                grade: "B".into(),
                vote: Some(MinutesVote {
                    method: "giơ tay".into(),
                    in_favour: 2,
                    against: 0,
                    abstaining: 0,
                    members: 3,
                    required: 2,
                }),
                conclusion: "Đề nghị công nhận".into(),
                recommended: true,
            }],
            notes: String::new(),
            chair: "Trịnh Văn Hội".into(),
            secretary: "Lê Thị Thu".into(),
            created: chrono::TimeZone::with_ymd_and_hms(&Utc, 2022, 3, 5, 4, 30, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_minutes_pass_the_layout_check_and_say_what_a_secretary_signs() {
        let bytes = render(&minutes()).unwrap_or_default();
        assert_eq!(layout_problems(&bytes), Vec::<String>::new());
        sangkien_papers::check::keep("minutes.docx", &bytes).unwrap_or_default();
        let text = plain_text(&bytes);
        for expected in [
            "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
            "Số: 01/BB-HĐSK",
            "Vĩnh Tường, ngày 05 tháng 3 năm 2022",
            "Họp Hội đồng sáng kiến huyện Vĩnh Tường năm 2022 xét công nhận sáng kiến",
            "Thời gian: từ 08 giờ 00 đến 11 giờ 30, ngày 05 tháng 3 năm 2022.",
            "Địa điểm: Hội trường UBND huyện.",
            "Chủ trì: Trịnh Văn Hội. Thư ký: Lê Thị Thu.",
            "Vắng mặt: Phan Văn Phó (Phó Chủ tịch).",
            "hai phần ba tổng số thành viên tán thành: cần 2/3 thành viên",
            "2/3 tán thành (cần 2), 0 không tán thành, 0 không biểu quyết: đề nghị công nhận.",
            "Hội đồng đề nghị công nhận 1 sáng kiến",
            "THƯ KÝ",
            "CHỦ TỊCH HỘI ĐỒNG",
        ] {
            assert!(
                text.contains(expected),
                "minutes lack {expected:?}:\n{text}"
            );
        }
        assert!(
            !text.contains("Hội trường UBND huyện, ngày"),
            "the date line names the place, never the room"
        );
    }

    #[test]
    fn a_team_s_minutes_are_signed_by_its_to_truong_to_tham_dinh_never_the_council_s_chair() {
        let mut m = minutes();
        m.council = false;
        m.number = number(1, false);
        m.panel_name = "Tổ thẩm định lĩnh vực Giáo dục".into();
        m.members[0].role_label = "Tổ trưởng Tổ thẩm định".into();
        for i in &mut m.items {
            i.vote = None;
        }
        let text = plain_text(&render(&m).unwrap_or_default());
        assert!(text.contains("TỔ TRƯỞNG TỔ THẨM ĐỊNH"), "{text}");
        assert!(!text.contains("CHỦ TỊCH HỘI ĐỒNG"), "{text}");
    }

    #[test]
    fn the_minutes_number_counts_the_panel_s_sittings() {
        assert_eq!(number(1, true), "01/BB-HĐSK");
        assert_eq!(number(12, false), "12/BB-TTĐ");
    }
}
