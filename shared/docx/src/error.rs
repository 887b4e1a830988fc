//! Why a document could not be written, said to the person who filled it in.

/// A document that cannot be written; the message is in Vietnamese.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Văn bản thiếu {0}.")]
    Missing(&'static str),
    #[error("Bảng thứ {table} không có cột nào.")]
    EmptyTable { table: usize },
    #[error("Bảng thứ {table}: dòng {row} có {cells} ô nhưng bảng có {columns} cột.")]
    TableShape {
        table: usize,
        row: usize,
        cells: usize,
        columns: usize,
    },
    #[error("Không ghi được tệp DOCX.")]
    Pack(#[source] Box<dyn std::error::Error + Send + Sync>),
}
