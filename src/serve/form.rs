//! axum's multipart body as an upload [`Form`](super::jobs::Form): the one place the
//! upload code meets HTTP. A body that cannot be read is [`JobError::BadForm`] in axum's
//! words.

use super::jobs::{Form, JobError, Part};
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use bytes::Bytes;

impl Form for Multipart {
    type Part<'a> = Field<'a>;

    async fn next_part(&mut self) -> Result<Option<Field<'_>>, JobError> {
        self.next_field().await.map_err(bad_form)
    }
}

impl Part for Field<'_> {
    fn name(&self) -> &str {
        Field::name(self).unwrap_or("")
    }

    fn file_name(&self) -> &str {
        Field::file_name(self).unwrap_or("")
    }

    async fn chunk(&mut self) -> Result<Option<Bytes>, JobError> {
        Field::chunk(self).await.map_err(bad_form)
    }
}

fn bad_form(e: MultipartError) -> JobError {
    JobError::BadForm {
        reason: e.body_text(),
    }
}
