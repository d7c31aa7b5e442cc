//! Binary responses (labels, reports, CSV exports) written out as they arrive.

use futures::StreamExt;
use progenitor_client::ByteStream;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Writes a binary response body to `writer` chunk by chunk, so a large download never
/// sits in memory whole, and returns the number of bytes written. Flushes at the end.
///
/// # Errors
/// Reading the body failed (the connection broke: `ErrorKind::Other` wrapping the
/// reqwest error) or writing failed.
pub async fn write_to<W>(body: ByteStream, writer: &mut W) -> std::io::Result<u64>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut stream = body.into_inner();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(std::io::Error::other)?;
        writer.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    writer.flush().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_every_chunk_in_order() {
        let chunks = futures::stream::iter(vec![
            Ok(bytes::Bytes::from_static(b"%PDF")),
            Ok(bytes::Bytes::from_static(b"-1.7")),
        ]);
        let body = ByteStream::new(Box::pin(chunks));
        let mut out = Vec::new();
        assert_eq!(write_to(body, &mut out).await.unwrap(), 8);
        assert_eq!(out, b"%PDF-1.7");
    }
}
