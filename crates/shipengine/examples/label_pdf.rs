//! Rate a shipment, buy a label for the cheapest rate, and save the label PDF.
//!
//! ```text
//! SHIPENGINE_API_KEY=... cargo run -p apikit-shipengine --example label_pdf -- se-123456 se-carrier-id
//! ```
//! (a shipment id created beforehand, and the carrier to rate with). Point
//! `SHIPENGINE_BASE_URL` at a mock server to try it without an account.

use apikit_shipengine::types::{
    CalculateRatesRequestBody, CreateLabelFromRateRequestBody, LabelFormat,
    PurchaseLabelWithoutShipment, RateRequestBody, SeId,
};
use apikit_shipengine::{Client, servers, write_to};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("SHIPENGINE_API_KEY")?;
    let base = std::env::var("SHIPENGINE_BASE_URL").unwrap_or_else(|_| servers::DEFAULT.into());
    let mut args = std::env::args().skip(1);
    let (Some(shipment), Some(carrier)) = (args.next(), args.next()) else {
        return Err("usage: label_pdf <shipment id> <carrier id>".into());
    };
    let client = Client::with_api_key_at(&base, &key)?;

    // 1. Rate the shipment with one carrier.
    let options = RateRequestBody::builder().carrier_ids(vec![SeId::from(carrier)]);
    let rated = client
        .calculate_rates()
        .body(CalculateRatesRequestBody::ShipmentId {
            rate_options: Some(options.try_into()?),
            shipment_id: Some(SeId::from(shipment)),
        })
        .send()
        .await?
        .into_inner();
    // Rates are server-set (`readOnly`), so their ids and amounts are optional fields.
    let (rate_id, amount) = rated
        .rate_response
        .rates
        .iter()
        .filter_map(|r| Some((r.rate_id.clone()?, r.shipping_amount.as_ref()?.amount)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .ok_or("no rates for this shipment")?;
    println!("cheapest: {} {amount}", rate_id.as_str());

    // 2. Buy the label for that rate, as a PDF.
    let label = client
        .create_label_from_rate()
        .rate_id(rate_id)
        .body(CreateLabelFromRateRequestBody(
            PurchaseLabelWithoutShipment {
                label_format: Some(LabelFormat::Pdf),
                ..Default::default()
            },
        ))
        .send()
        .await?
        .into_inner();
    let links = label
        .label_download
        .as_ref()
        .ok_or("the label has no download links")?;
    let link = links
        .pdf
        .clone()
        .or_else(|| links.href.clone())
        .ok_or("the label has no PDF link")?;

    // 3. Stream the PDF to a file.
    let pdf = client.download(&link).await?.into_inner();
    let mut file = tokio::fs::File::create("label.pdf").await?;
    let bytes = write_to(pdf, &mut file).await?;
    println!("saved label.pdf ({bytes} bytes)");
    Ok(())
}
