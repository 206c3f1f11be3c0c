//! Files and portals several suites start from.

use super::fake_portal::{FakePortal, Seed};

/// One update (Crm's ssl) and one create (Billing, whose secret is `${BILLING_SECRET}`),
/// against `crm_and_other`.
pub const UPDATE_AND_CREATE: &str = "\
webhooks:
  Crm:
    ssl: false
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

/// A portal with Crm and Other: `UPDATE_AND_CREATE` updates the one and leaves the other
/// unmanaged.
pub fn crm_and_other() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal.seed(Seed::new("Other", "https://other.example.com/h"));
    portal
}
