//! The footer's particulars and the contacts of competent officials, the
//! leaders' page and the access-to-information focal person.

use sqlx::PgConnection;

use crate::Check;

const BASIS_FOOTER: &str = "Thông tư 32/2017/TT-BTTTT, Điều 16; Nghị định 43/2011/NĐ-CP, Điều 15";
const BASIS_CONTACTS: &str = "Nghị định 224/2026/NĐ-CP, Điều 9; Nghị định 13/2018/NĐ-CP";

pub async fn check(conn: &mut PgConnection) -> Result<Vec<Check>, sqlx::Error> {
    let profile =
        sqlx::query!("SELECT agency, address, phone, email, responsible_person FROM site_profiles")
            .fetch_optional(&mut *conn)
            .await?;
    let mut missing = Vec::new();
    match &profile {
        None => missing
            .push("cơ quan chủ quản, địa chỉ, điện thoại, thư điện tử, người chịu trách nhiệm"),
        Some(p) => {
            for (value, name) in [
                (&p.agency, "cơ quan chủ quản"),
                (&p.address, "địa chỉ"),
                (&p.phone, "điện thoại"),
                (&p.email, "thư điện tử"),
                (&p.responsible_person, "người chịu trách nhiệm"),
            ] {
                if value.trim().is_empty() {
                    missing.push(name);
                }
            }
        }
    }
    let footer = Check::new(
        "footer",
        "Chân trang ghi đủ cơ quan chủ quản, người chịu trách nhiệm, địa chỉ, điện thoại, thư điện tử",
        BASIS_FOOTER,
    )
    .fails_when(
        !missing.is_empty(),
        format!("Còn thiếu: {}.", missing.join(", ")),
        "Điền các thông tin còn thiếu trong phần thông tin chung của trang.",
        "/quan-tri/cai-dat",
    );

    let officials = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE phone <> '' OR email <> '') AS "reachable!",
                  count(*) FILTER (WHERE is_info_focal AND (phone <> '' OR email <> '')) AS "focal!",
                  count(*) FILTER (WHERE is_leader AND duties <> '') AS "leaders!"
           FROM officials"#
    )
    .fetch_one(&mut *conn)
    .await?;
    let contacts = Check::new(
        "contacts",
        "Có số điện thoại hoặc thư điện tử của cán bộ có thẩm quyền, trong đó có đầu mối cung cấp thông tin",
        BASIS_CONTACTS,
    )
    .fails_when(
        officials.reachable == 0 || officials.focal == 0,
        if officials.reachable == 0 {
            "Chưa có cán bộ nào kèm số điện thoại hoặc thư điện tử."
        } else {
            "Chưa đánh dấu cán bộ đầu mối cung cấp thông tin (kèm cách liên hệ)."
        },
        "Thêm cán bộ kèm cách liên hệ và đánh dấu người làm đầu mối cung cấp thông tin.",
        "/quan-tri/cai-dat",
    );
    let leaders = Check::new(
        "leaders",
        "Giới thiệu lãnh đạo xã kèm nhiệm vụ được phân công",
        "Nghị định 224/2026/NĐ-CP, Điều 9.1.c",
    )
    .fails_when(
        officials.leaders == 0,
        "Chưa có lãnh đạo nào được ghi nhiệm vụ được phân công.",
        "Thêm lãnh đạo xã, đánh dấu «lãnh đạo» và ghi nhiệm vụ được phân công.",
        "/quan-tri/cai-dat",
    );
    Ok(vec![footer, contacts, leaders])
}
