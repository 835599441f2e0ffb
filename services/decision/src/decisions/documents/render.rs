//! The decision and its certificates as DOCX in the layout of Decree 30/2020/NĐ-CP [DOMAIN §6],
//! written through the one page layout of `sangkien-papers`: this module only says what the
//! papers say (articles, annex, certificate lines), built only from what is passed in, so the
//! same stored data always gives the same bytes.

use chrono::{DateTime, NaiveDate, Utc};
use sangkien_papers::{
    Authority, Letterhead, OfficialPaper, Signature, TableSpec, day_text, docx::Block,
};

use sangkien_proto::{Lang, events::Grounds};

use crate::decisions::domain::profile::{BodyProfile, SignerProfile};

/// One initiative as the documents print it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Register number in the plan's field.
    pub register_number: i32,
    /// The initiative's name.
    pub name: String,
    /// Authors with their contribution share in percent.
    pub authors: Vec<(String, f64)>,
    /// The owner's unit (empty when its name is not known).
    pub unit: String,
    /// Average score, when scored.
    pub average: Option<f64>,
    /// Grade, when graded.
    pub grade: Option<String>,
    /// The written reason (a refusal's grounds).
    pub reason: String,
    /// The conclusion's grounds as facts, printed in Vietnamese instead of `reason` when
    /// known.
    pub grounds: Option<Grounds>,
}

/// What a decision says; `number` and `signed_on` are `None` on a draft, which prints the
/// blanks an office fills in by hand.
#[derive(Debug, Clone)]
pub struct DecisionPaper {
    pub profile: BodyProfile,
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// `Về việc công nhận sáng kiến năm 2022`.
    pub title: String,
    /// The proposal it follows.
    pub proposal: String,
    /// `Giáo dục và Đào tạo`.
    pub field_name: String,
    pub year: i32,
    /// The signature block; `None` on a draft.
    pub signer: Option<SignerProfile>,
    pub recognised: Vec<Line>,
    pub refused: Vec<Line>,
    /// When the decision was created: the document's creation time, fixed so that the same
    /// stored decision always gives the same bytes.
    pub created: DateTime<Utc>,
}

/// A certificate of one recognised initiative.
#[derive(Debug, Clone)]
pub struct CertificatePaper {
    pub decision: DecisionPaper,
    pub line: Line,
    /// `05/QĐ-UBND-02`: the decision's number and the initiative's place in its appendix
    /// (`.1`, `.2`… added for each author's own certificate).
    pub serial: String,
    /// The author this certificate is issued to (index into `line.authors`); `None` for the
    /// initiative's certificate naming every author. Each recognised author gets one
    /// [DOMAIN §6].
    pub holder: Option<usize>,
}

/// `60%`, `33,5%`.
fn percent(p: f64) -> String {
    let tenths = (p * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    }
}

/// `17,50`.
fn points(p: f64) -> String {
    let centi = (p * 100.0).round() as i64;
    format!("{},{:02}", centi / 100, centi % 100)
}

/// `Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)`.
pub fn authors_text(authors: &[(String, f64)]) -> String {
    authors
        .iter()
        .map(|(n, p)| format!("{n} ({})", percent(*p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `tác giả` for the first author of the request, `đồng tác giả` for the others.
fn author_role(index: usize) -> &'static str {
    if index == 0 {
        "tác giả"
    } else {
        "đồng tác giả"
    }
}

/// `Căn cứ …;`: every basis starts with "Căn cứ" and ends with ";" (the proposal that follows
/// them ends with ".").
pub fn basis(line: &str) -> String {
    let l = line
        .trim()
        .trim_start_matches("Căn cứ")
        .trim()
        .trim_end_matches([';', '.']);
    format!("Căn cứ {l};")
}

/// The articles a decision needs for what it decides, numbered in order: recognition, the
/// refusals when there are any, the authors' rights, the effect, and last the execution —
/// the article `Nơi nhận: Như Điều N` points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Articles {
    /// `Điều 2` when some dossiers are refused.
    pub refused: Option<u32>,
    pub rights: u32,
    pub effect: u32,
    pub execution: u32,
}

/// The numbering of the articles of a decision recognising some initiatives and refusing
/// `refused` others [Decree 30/2020, Appendix I: the recipients' "Như Điều N" names the
/// execution article].
pub fn articles(refused: usize) -> Articles {
    let refused_article = (refused > 0).then_some(2);
    let rights = if refused > 0 { 3 } else { 2 };
    Articles {
        refused: refused_article,
        rights,
        effect: rights + 1,
        execution: rights + 2,
    }
}

/// The recipients: `Như Điều N` (the execution article) first, the profile's own lines
/// (less any "Như Điều" a profile may carry, which could name the wrong article), the archive
/// line last.
pub fn recipients(profile: &BodyProfile, execution: u32) -> Vec<String> {
    std::iter::once(format!("Như Điều {execution}"))
        .chain(
            profile
                .recipients
                .iter()
                .filter(|r| {
                    !r.trim()
                        .trim_start_matches('-')
                        .trim()
                        .starts_with("Như Điều")
                })
                .cloned(),
        )
        .chain(std::iter::once(profile.archive_line.clone()))
        .collect()
}

fn letterhead(d: &DecisionPaper, number: Option<String>) -> Letterhead {
    let superior = d.profile.superior_name.trim();
    Letterhead {
        superior: (!superior.is_empty()).then(|| superior.to_owned()),
        body: d.profile.full_name.clone(),
        number,
        symbol: format!("{}-{}", d.profile.decision_type, d.profile.document_symbol),
        place: d.profile.place_name.clone(),
        date: d.signed_on,
        year: d.year,
    }
}

fn signature(d: &DecisionPaper) -> Signature {
    match &d.signer {
        Some(s) => Signature {
            authority: Authority::Titles(s.titles.clone()),
            name: s.name.clone(),
        },
        None => Signature {
            authority: Authority::Head {
                position: "Chủ tịch".into(),
            },
            name: String::new(),
        },
    }
}

/// `Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2022`, or its blanks on a draft.
fn decision_reference(d: &DecisionPaper) -> String {
    match (&d.number, d.signed_on) {
        (Some(n), Some(on)) => format!("Quyết định số {n} {}", day_text(on)),
        _ => format!(
            "Quyết định số      /{}-{} ngày      tháng      năm {}",
            d.profile.decision_type, d.profile.document_symbol, d.year
        ),
    }
}

/// Column widths of the annex, in twips: they fill the text area exactly, and the long
/// columns (name, authors, unit) take the most so that long names stay legible.
pub const ANNEX_WIDTHS: [usize; 7] = [700, 2300, 2000, 1600, 1250, 800, 705];

fn annex(d: &DecisionPaper) -> Vec<Block> {
    vec![
        Block::Heading("Phụ lục".into()),
        Block::Heading("DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN".into()),
        Block::Heading(format!("Lĩnh vực {} năm {}", d.field_name, d.year)),
        Block::Note(format!(
            "(Kèm theo {} của {})",
            decision_reference(d),
            d.profile.authority_line()
        )),
        Block::Table(TableSpec {
            header: [
                "STT",
                "Tên sáng kiến",
                "Tác giả (tỷ lệ đóng góp)",
                "Đơn vị",
                "Lĩnh vực áp dụng",
                "Điểm",
                "Xếp loại",
            ]
            .map(String::from)
            .to_vec(),
            widths: ANNEX_WIDTHS.to_vec(),
            rows: d
                .recognised
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    vec![
                        (i + 1).to_string(),
                        l.name.clone(),
                        authors_text(&l.authors),
                        l.unit.clone(),
                        d.field_name.clone(),
                        l.average.map(points).unwrap_or_default(),
                        l.grade.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        }),
    ]
}

/// The decision as an [`OfficialPaper`] and its annex.
pub fn decision_paper(d: &DecisionPaper) -> (OfficialPaper, Vec<Block>) {
    let n = articles(d.refused.len());
    let mut blocks = vec![Block::Heading(d.profile.authority_line().to_uppercase())];
    blocks.extend(d.profile.legal_bases.iter().map(|b| Block::Basis(basis(b))));
    let proposal = d.proposal.trim().trim_end_matches('.');
    blocks.push(Block::Basis(format!("Theo đề nghị của {proposal}.")));
    blocks.push(Block::Heading("QUYẾT ĐỊNH:".into()));
    blocks.push(Block::Article {
        number: 1,
        text: format!(
            "Công nhận {} sáng kiến lĩnh vực {} năm {} (có danh sách kèm theo).",
            d.recognised.len(),
            d.field_name,
            d.year
        ),
    });
    if let Some(article) = n.refused {
        blocks.push(Block::Article {
            number: article,
            text: format!(
                "Không công nhận {} sáng kiến sau đây, với lý do:",
                d.refused.len()
            ),
        });
        for l in &d.refused {
            blocks.push(Block::Text(
                format!(
                    "- \"{}\" của {}: {}",
                    l.name,
                    authors_text(&l.authors),
                    refusal_text(l).trim().trim_end_matches('.')
                ) + ".",
            ));
        }
    }
    blocks.push(Block::Article {
        number: n.rights,
        text: "Tác giả của các sáng kiến được công nhận tại Điều 1 được hưởng các quyền lợi theo quy định của Điều lệ Sáng kiến ban hành kèm theo Nghị định số 13/2012/NĐ-CP và các quy định hiện hành.".into(),
    });
    blocks.push(Block::Article {
        number: n.effect,
        text: "Quyết định này có hiệu lực kể từ ngày ký.".into(),
    });
    blocks.push(Block::Article {
        number: n.execution,
        text: "Thủ trưởng các cơ quan, đơn vị có liên quan và các tác giả có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.".into(),
    });
    let paper = OfficialPaper {
        letterhead: letterhead(d, d.number.clone()),
        kind: "Quyết định".into(),
        summary: d.title.clone(),
        draft: d.number.is_none(),
        blocks,
        recipients: recipients(&d.profile, n.execution),
        signatures: vec![signature(d)],
        created: d.created,
    };
    (paper, annex(d))
}

/// What a refused line prints as its grounds, in Vietnamese only: the conclusion's facts
/// rendered in Vietnamese, else the written reason — of which a "vi / en" sentence stored
/// before the grounds were carried keeps only its Vietnamese half.
pub fn refusal_text(l: &Line) -> String {
    if let Some(g) = &l.grounds {
        return g.text(Lang::Vi);
    }
    l.reason
        .split(" / ")
        .filter(|part| sangkien_papers::check::english_words(part).len() < 2)
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The decision as DOCX bytes.
pub fn decision(d: &DecisionPaper) -> anyhow::Result<Vec<u8>> {
    let (paper, annex) = decision_paper(d);
    Ok(paper.render_with_annex(&annex)?)
}

/// The certificate as an [`OfficialPaper`]: its own serial as the one number line, the
/// decision's date, the initiative once, every author with role and share, no recipients.
pub fn certificate_paper(c: &CertificatePaper) -> OfficialPaper {
    let d = &c.decision;
    let mut blocks = vec![Block::Heading(format!(
        "{} CHỨNG NHẬN",
        d.profile.authority_line().to_uppercase()
    ))];
    if let Some((h, (name, share))) = c.holder.and_then(|h| c.line.authors.get(h).map(|a| (h, a))) {
        blocks.push(Block::Text(format!(
            "Ông/Bà: {name} — {} ({}) của sáng kiến:",
            author_role(h),
            percent(*share)
        )));
    }
    blocks.push(Block::Text(format!("Tên sáng kiến: {}", c.line.name)));
    blocks.push(Block::Text("Tác giả:".into()));
    for (i, (name, share)) in c.line.authors.iter().enumerate() {
        blocks.push(Block::Text(format!(
            "- {name}, {}, tỷ lệ đóng góp {};",
            author_role(i),
            percent(*share)
        )));
    }
    if !c.line.unit.is_empty() {
        blocks.push(Block::Text(format!("Đơn vị: {}", c.line.unit)));
    }
    blocks.push(Block::Text(format!(
        "Lĩnh vực: {} năm {}",
        d.field_name, d.year
    )));
    blocks.push(Block::Text(format!(
        "Đã được công nhận là sáng kiến theo {} của {}.",
        decision_reference(d),
        d.profile.authority_line()
    )));
    OfficialPaper {
        letterhead: letterhead(d, Some(c.serial.clone())),
        kind: "Giấy chứng nhận sáng kiến".into(),
        summary: String::new(),
        draft: false,
        blocks,
        recipients: Vec::new(),
        signatures: vec![signature(d)],
        created: d.created,
    }
}

/// A certificate (giấy chứng nhận sáng kiến) of one recognised initiative.
pub fn certificate(c: &CertificatePaper) -> anyhow::Result<Vec<u8>> {
    Ok(certificate_paper(c).render()?)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::decisions::domain::profile::vinh_tuong;

    fn paper() -> DecisionPaper {
        let deputy = uuid::Uuid::now_v7();
        let profile = vinh_tuong(uuid::Uuid::now_v7(), deputy);
        DecisionPaper {
            signer: profile.signer(deputy).cloned(),
            profile,
            number: Some("05/QĐ-UBND".into()),
            signed_on: NaiveDate::from_ymd_opt(2022, 2, 5),
            title: "Về việc công nhận sáng kiến năm 2022".into(),
            proposal: "Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK".into(),
            field_name: "Giáo dục và Đào tạo".into(),
            year: 2022,
            recognised: vec![Line {
                register_number: 1,
                name: "Dạy học phân hóa môn Toán 9".into(),
                authors: vec![
                    ("Nguyễn Thị Hoa".into(), 60.0),
                    ("Trần Văn Nam".into(), 40.0),
                ],
                unit: "Trường THCS Lý Tự Trọng".into(),
                average: Some(15.25),
                grade: Some("B".into()),
                reason: "Đạt".into(),
                grounds: None,
            }],
            refused: vec![Line {
                register_number: 2,
                name: "Câu lạc bộ đọc sách".into(),
                authors: vec![("Đinh Thị Mai".into(), 100.0)],
                unit: String::new(),
                average: None,
                grade: None,
                reason: "Không đủ hai phần ba / The council voted 3 of 7 in favour (5 needed): not recommended.".into(),
                grounds: None,
            }],
            created: chrono::TimeZone::with_ymd_and_hms(&Utc, 2022, 2, 1, 8, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    fn xml(bytes: &[u8]) -> String {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap_or_else(|e| panic!("{e}"))
            .read_to_string(&mut xml)
            .unwrap_or_default();
        xml
    }

    #[test]
    fn decree_30_2020_decision_layout_prints_number_date_signature_and_appendix() {
        let bytes = decision(&paper()).unwrap_or_default();
        let x = xml(&bytes);
        for expected in [
            "UBND TỈNH VĨNH PHÚC",
            "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 05/QĐ-UBND",
            "Vĩnh Tường, ngày 05 tháng 02 năm 2022",
            "QUYẾT ĐỊNH:",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Điều 1.",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Trần Thị Phương",
            "Nơi nhận:",
            "- Lưu: VT, KT&amp;HT.",
            "(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2022",
            "Dạy học phân hóa môn Toán 9",
            "Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)",
            "Trường THCS Lý Tự Trọng",
            "Không đủ hai phần ba",
        ] {
            assert!(x.contains(expected), "the decision lacks {expected:?}");
        }
    }

    #[test]
    fn decree_30_recipients_name_the_real_execution_article() {
        assert_eq!(
            articles(1),
            Articles {
                refused: Some(2),
                rights: 3,
                effect: 4,
                execution: 5
            }
        );
        assert_eq!(articles(0).execution, 4);
        assert_eq!(articles(0).refused, None);
        let p = paper();
        let r = recipients(&p.profile, 5);
        assert_eq!(r[0], "Như Điều 5");
        assert_eq!(r.iter().filter(|l| l.starts_with("Như Điều")).count(), 1);
        assert_eq!(r.last(), Some(&p.profile.archive_line));
        let x = xml(&decision(&p).unwrap_or_default());
        assert!(x.contains("Điều 5. ") && x.contains("- Như Điều 5;"), "{x}");
        assert!(!x.contains("Điều 6. ") && !x.contains("Như Điều 3"));
        let mut none_refused = paper();
        none_refused.refused.clear();
        let x = xml(&decision(&none_refused).unwrap_or_default());
        assert!(x.contains("- Như Điều 4;") && !x.contains("Điều 5. "));
    }

    #[test]
    fn the_decision_and_its_certificates_pass_the_layout_check() {
        use sangkien_papers::check::layout_problems;
        let p = paper();
        let bytes = decision(&p).unwrap_or_default();
        assert_eq!(layout_problems(&bytes), Vec::<String>::new());
        sangkien_papers::check::keep("decision-vinh-tuong.docx", &bytes).unwrap_or_default();
        let mut draft = paper();
        draft.number = None;
        draft.signed_on = None;
        draft.signer = None;
        let x = decision(&draft).unwrap_or_default();
        assert_eq!(layout_problems(&x), Vec::<String>::new());
        assert!(xml(&x).contains("DỰ THẢO"));
        let c = CertificatePaper {
            line: p.recognised[0].clone(),
            decision: p,
            serial: "05/QĐ-UBND-01".into(),
            holder: Some(0),
        };
        let cert = certificate(&c).unwrap_or_default();
        assert_eq!(layout_problems(&cert), Vec::<String>::new());
        sangkien_papers::check::keep("certificate.docx", &cert).unwrap_or_default();
        let x = xml(&cert);
        assert_eq!(x.matches("Số:").count(), 1, "one number line, the serial's");
        assert!(x.contains("Số: 05/QĐ-UBND-01"));
        assert!(!x.contains("Nơi nhận"), "a certificate has no recipients");
        assert!(x.contains("- Nguyễn Thị Hoa, tác giả, tỷ lệ đóng góp 60%;"));
        assert!(x.contains("- Trần Văn Nam, đồng tác giả, tỷ lệ đóng góp 40%;"));
        assert!(x.contains("Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2022"));
        assert!(x.contains("Trần Thị Phương"));
    }

    #[test]
    fn a_refused_dossier_s_decision_contains_no_english_word() {
        use sangkien_papers::check::{english_words, plain_text};
        // A reason stored as one "vi / en" sentence before the grounds were carried.
        let p = paper();
        let text = plain_text(&decision(&p).unwrap_or_default());
        assert!(text.contains("Không đủ hai phần ba"), "{text}");
        assert_eq!(english_words(&text), Vec::<String>::new(), "{text}");
        // The grounds as facts, rendered in Vietnamese.
        let mut p = paper();
        p.refused[0].grounds = Some(Grounds {
            vote: Some(sangkien_proto::events::VoteCount {
                held_on: NaiveDate::from_ymd_opt(2022, 3, 15).unwrap_or_default(),
                members: 7,
                in_favour: 3,
                against: 4,
                abstaining: 0,
                required: 5,
                carried: false,
            }),
            rule: Some("two_thirds".into()),
            text: String::new(),
        });
        let text = plain_text(&decision(&p).unwrap_or_default());
        assert!(
            text.contains("3/7 thành viên tán thành (cần 5, ít nhất hai phần ba số thành viên), 4 không tán thành"),
            "{text}"
        );
        assert_eq!(english_words(&text), Vec::<String>::new(), "{text}");
    }

    #[test]
    fn the_annex_has_a_header_cell_and_a_width_per_column() {
        let x = xml(&decision(&paper()).unwrap_or_default());
        for w in ANNEX_WIDTHS {
            assert!(x.contains(&format!(r#"<w:gridCol w:w="{w}""#)), "{w}");
        }
        assert_eq!(
            ANNEX_WIDTHS.iter().sum::<usize>(),
            sangkien_papers::docx::TEXT_WIDTH
        );
        for h in [
            "STT",
            "Tên sáng kiến",
            "Tác giả (tỷ lệ đóng góp)",
            "Đơn vị",
            "Lĩnh vực áp dụng",
            "Điểm",
            "Xếp loại",
        ] {
            assert!(x.contains(&format!(">{h}<")), "{h}");
        }
        assert!(x.contains("15,25"));
    }

    #[test]
    fn the_same_decision_gives_the_same_bytes_twice() {
        let first = decision(&paper()).unwrap_or_default();
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert_eq!(first, decision(&paper()).unwrap_or_default());
        let p = paper();
        let c = CertificatePaper {
            line: p.recognised[0].clone(),
            decision: p,
            serial: "05/QĐ-UBND-01".into(),
            holder: None,
        };
        let one = certificate(&c).unwrap_or_default();
        assert_eq!(one, certificate(&c).unwrap_or_default());
        assert!(xml(&one).contains("GIẤY CHỨNG NHẬN SÁNG KIẾN"));
        let own = CertificatePaper {
            holder: Some(1),
            serial: "05/QĐ-UBND-01.2".into(),
            ..c
        };
        let text = xml(&certificate(&own).unwrap_or_default());
        let co_author = &own.line.authors[1].0;
        assert!(
            text.contains(&format!("Ông/Bà: {co_author} — đồng tác giả"))
                && text.contains("05/QĐ-UBND-01.2"),
            "{text}"
        );
    }
}
