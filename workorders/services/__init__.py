"""Every change to customers, products and work orders goes through these functions.

One module per subject; every public name is importable from `workorders.services`."""

from workorders.services.bench import (  # noqa: F401
    payment_take,
    pickup_rated_by_customer,
    work_order_complete_details,
    work_order_pickup,
    work_order_record_agreement,
    work_order_record_repair,
)
from workorders.services.customer_side import (  # noqa: F401
    customer_of_phone,
    quote_answered_by_customer,
    self_service_account,
    wechat_chosen_by_customer,
    work_order_book_by_customer,
)
from workorders.services.customers import customer_register, product_register  # noqa: F401
from workorders.services.entitlement import (  # noqa: F401
    UNIT_HISTORY_LIMIT,
    clocks_shown,
    clocks_sweep,
    clocks_warning_day,
    decision_fields,
    unit_history,
    work_order_redecide,
)
from workorders.services.hotline import call_log, message_slip_answer, message_slip_take  # noqa: F401
from workorders.services.intake import INTAKE_ORDER_FIELDS, INTAKE_PRODUCT_FIELDS, intake_picks, intake_submit  # noqa: F401
from workorders.services.lifecycle import work_order_add_note, work_order_hand_over, work_order_transition  # noqa: F401
from workorders.services.pricing import (  # noqa: F401
    FEE_SERVICE_TYPE,
    work_order_price_on_site,
    work_order_quote,
    work_order_reassess_warranty,
)
from workorders.services.receiving import (  # noqa: F401
    fault_type_for,
    warranty_after_repairs,
    warranty_preview,
    work_order_receive,
)
from workorders.services.swaps import (  # noqa: F401
    new_unit_rights,
    swap_terms,
    work_order_exchange,
    work_order_return,
)
from workorders.services.waivers import charge_waiver_decide, charge_waiver_request  # noqa: F401
