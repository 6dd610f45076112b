"""Military-court conviction sync (qp -> lltp): extract by cursor, map codes, resolve identity,
apply exactly once in effect, quarantine, park, reconcile; and the certificate preview."""
