"""Every change to settlement goes through these functions: warranty-cost claims, old-part return, deductions
and monthly statements.

One module per subject; every public name is importable from `settlement.services`."""

from settlement.services.claims import (  # noqa: F401
    UNDECIDED,
    claim_decide,
    claim_on_transition,
    claim_open,
    claim_recheck,
    decides_claims,
    may_decide,
    price_list_on,
    recheck_claims_of,
    recheck_on_callback,
)
from settlement.services.returns import (  # noqa: F401
    RESULTS,
    hold_overdue_returns,
    receives_shipments,
    shipment_receive,
    shipment_send,
    tag_on_bench_repair,
    tag_on_sign_off,
)
from settlement.services.statements import (  # noqa: F401
    deduct_on_callback,
    deduct_on_sign_off,
    deduction_for_complaint,
    deduction_rate,
    month_bounds,
    statement_answer,
    statement_reply,
    statements_issue,
)
