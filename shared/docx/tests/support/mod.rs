//! The yearly report of a commune's website, as the tests print it.

use congxa_docx::{Block, Document, Header, Signature};
use time::macros::date;

pub fn yearly_report() -> Document {
    Document {
        header: Header {
            superior: Some("Ủy ban nhân dân tỉnh Hưng Yên".into()),
            body: "Ủy ban nhân dân\nxã Quốc Tuấn".into(),
            number: "142/BC-UBND".into(),
            place: "Quốc Tuấn".into(),
            date: date!(2026 - 12 - 15),
        },
        kind: "Báo cáo".into(),
        summary: "Tình hình hoạt động của trang thông tin điện tử xã Quốc Tuấn năm 2026".into(),
        blocks: vec![
            Block::Heading1("I. TÌNH HÌNH HOẠT ĐỘNG".into()),
            Block::Heading2("1. Tổ chức bộ máy, quy chế và quy trình".into()),
            Block::Paragraph(
                "Ban biên tập trang thông tin điện tử xã gồm 05 thành viên, được thành lập \
                 theo Quyết định số 12/QĐ-UBND ngày 05 tháng 02 năm 2026 của Ủy ban nhân dân \
                 xã; quy chế hoạt động được phê duyệt kèm theo Quyết định số 13/QĐ-UBND."
                    .into(),
            ),
            Block::Bullet("Tiếp nhận tin, bài từ các ban, ngành, đoàn thể;".into()),
            Block::Bullet("Biên tập, duyệt và đăng tải trong vòng 02 ngày làm việc.".into()),
            Block::Heading2("2. Kết quả hoạt động".into()),
            Block::Table {
                header: vec!["STT".into(), "Chuyên mục".into(), "Số tin, bài".into()],
                rows: vec![
                    vec!["1".into(), "Tin tức – sự kiện".into(), "128".into()],
                    vec!["2".into(), "Văn bản chỉ đạo, điều hành".into(), "46".into()],
                    vec![
                        "3".into(),
                        "Thủ tục hành chính & dịch vụ công".into(),
                        "19".into(),
                    ],
                ],
            },
            Block::Paragraph(
                "Tổng số lượt truy cập đến ngày 15/12/2026: 1.254.300 lượt; \
                 trong năm: 312.450 lượt, với 48.912 người dùng khác nhau."
                    .into(),
            ),
            Block::Heading1("II. ĐÁNH GIÁ CHUNG".into()),
            Block::Paragraph(
                "Ưu điểm: thông tin được cập nhật kịp thời, đúng quy định.\n\
                 Khó khăn: nhân lực kiêm nhiệm, thiết bị còn thiếu."
                    .into(),
            ),
            Block::Heading1("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027".into()),
            Block::Paragraph(
                "Tiếp tục nâng cao chất lượng tin, bài; bảo đảm an toàn thông tin.".into(),
            ),
        ],
        signature: Signature {
            authority: vec!["TM. Ủy ban nhân dân".into()],
            title: "Chủ tịch".into(),
            name: "Nguyễn Văn Đức".into(),
        },
        recipients: vec![
            "Sở Văn hóa, Thể thao và Du lịch tỉnh".into(),
            "Thường trực Đảng ủy, HĐND xã".into(),
            "Lưu: VT".into(),
        ],
    }
}
