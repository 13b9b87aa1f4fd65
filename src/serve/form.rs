//! axum's multipart body as an upload [`Form`](super::jobs::Form): the one place the
//! upload code meets HTTP.

use super::jobs::{Form, Part};
use axum::extract::Multipart;
use axum::extract::multipart::Field;
use bytes::Bytes;

impl Form for Multipart {
    type Part<'a> = Field<'a>;

    async fn next_part(&mut self) -> Result<Option<Field<'_>>, String> {
        self.next_field().await.map_err(|e| e.body_text())
    }
}

impl Part for Field<'_> {
    fn name(&self) -> &str {
        Field::name(self).unwrap_or("")
    }

    fn file_name(&self) -> &str {
        Field::file_name(self).unwrap_or("")
    }

    async fn chunk(&mut self) -> Result<Option<Bytes>, String> {
        Field::chunk(self).await.map_err(|e| e.body_text())
    }
}
