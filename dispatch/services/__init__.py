"""Every change to engineers, appointments and visits goes through these functions.

One module per subject; every public name is importable from `dispatch.services`."""

from dispatch.services.booking import (  # noqa: F401
    appointment_book,
    appointment_check,
    appointment_reassign,
    appointment_reschedule,
    appointment_unbook,
    busy_windows,
    free_engineers_of_cancelled_order,
)
from dispatch.services.customer_side import (  # noqa: F401
    appointment_confirm_by_customer,
    appointment_move_asked_by_customer,
    visit_rated_by_customer,
)
from dispatch.services.engineer_side import (  # noqa: F401
    NO_SHOW_WAIT,
    VISIT_EVENTS,
    appointment_request_reassign,
    visit_confirm,
    visit_event,
    visit_late_call,
    visit_lateness,
    visit_no_show,
    visit_phone_guidance,
    visit_plan,
    visit_take_loaner,
)
from dispatch.services.engineers import engineer_profile_save  # noqa: F401
from dispatch.services.loaners import loaner_lend, loaner_register, loaner_return, loaner_set_in_repair  # noqa: F401
from dispatch.services.parts import (  # noqa: F401
    part_requisition_cancel,
    part_requisition_issue,
    part_requisition_request,
    part_requisition_return,
    part_requisition_use,
)
from dispatch.services.stock import (  # noqa: F401
    acts_for,
    place_for_key,
    place_key,
    place_of_centre,
    place_of_outlet,
    place_of_van,
    reorder_point_set,
    stock_count,
    stock_receive,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from dispatch.services.visit_report import (  # noqa: F401
    checklist_unanswered,
    visit_pull_back,
    visit_report_save,
    visit_sign_off,
)
