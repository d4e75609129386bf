from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from complaints import api as complaint_api
from complaints import views as complaint_views
from core import api as core_api
from core import views as core_views
from core.navigation import ROLE_HOME
from dispatch import api as dispatch_api
from dispatch import views as dispatch_views
from followups import api as followup_api
from followups import views as followup_views
from kpis import api as kpi_api
from kpis import views as kpi_views
from portal import views as portal_views
from settlement import api as settlement_api
from settlement import views as settlement_views
from warranty import api as warranty_api
from warranty import views as warranty_views
from workorders import api as workorder_api
from workorders import views as workorder_views

api_v1 = [
    path("auth/token/", core_api.TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", core_api.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("me/", core_api.MeView.as_view(), name="api-me"),
    path("centres/", core_api.CentreListView.as_view(), name="api-centre-list"),
    path("exports/<slug:name>.<slug:fmt>", core_api.ExportView.as_view(), name="api-export"),
    path("exports/jobs/<int:pk>/", core_api.ExportJobView.as_view(), name="api-export-job"),
    path("exports/jobs/<int:pk>/file/", core_api.ExportDownloadView.as_view(), name="api-export-download"),
    path("outlets/", core_api.OutletListCreateView.as_view(), name="api-outlet-list"),
    path("outlets/<int:pk>/", core_api.OutletDetailView.as_view(), name="api-outlet-detail"),
    path("warranty/evaluate/", warranty_api.EvaluateView.as_view(), name="api-warranty-evaluate"),
    path("warranty/policies/", warranty_api.PolicyListView.as_view(), name="api-warranty-policies"),
    path("product-categories/", workorder_api.ProductCategoryListView.as_view(), name="api-product-categories"),
    path("customers/", workorder_api.CustomerLookupView.as_view(), name="api-customer-lookup"),
    path("products/<int:pk>/history/", workorder_api.ProductHistoryView.as_view(), name="api-product-history"),
    path("work-orders/", workorder_api.WorkOrderListCreateView.as_view(), name="api-work-order-list"),
    path("work-orders/<int:pk>/", workorder_api.WorkOrderDetailView.as_view(), name="api-work-order-detail"),
    path(
        "work-orders/<int:pk>/transitions/",
        workorder_api.WorkOrderTransitionView.as_view(),
        name="api-work-order-transition",
    ),
    path(
        "work-orders/<int:pk>/hand-over/",
        workorder_api.WorkOrderHandOverView.as_view(),
        name="api-work-order-hand-over",
    ),
    path("work-orders/<int:pk>/notes/", workorder_api.WorkOrderNoteView.as_view(), name="api-work-order-note"),
    path("work-orders/<int:pk>/quote/", workorder_api.WorkOrderQuoteView.as_view(), name="api-work-order-quote"),
    path(
        "work-orders/<int:pk>/agreements/",
        workorder_api.WorkOrderAgreementView.as_view(),
        name="api-work-order-agreement",
    ),
    path("work-orders/<int:pk>/details/", workorder_api.WorkOrderDetailsView.as_view(), name="api-work-order-details"),
    path(
        "work-orders/<int:pk>/repair-record/",
        workorder_api.WorkOrderRepairRecordView.as_view(),
        name="api-work-order-repair-record",
    ),
    path("work-orders/<int:pk>/pickup/", workorder_api.WorkOrderPickupView.as_view(), name="api-work-order-pickup"),
    path(
        "work-orders/<int:pk>/exchange/", workorder_api.WorkOrderExchangeView.as_view(), name="api-work-order-exchange"
    ),
    path("work-orders/<int:pk>/return/", workorder_api.WorkOrderReturnView.as_view(), name="api-work-order-return"),
    path("work-orders/<int:pk>/waivers/", workorder_api.WorkOrderWaiverView.as_view(), name="api-work-order-waiver"),
    path("waivers/", workorder_api.WaiverListView.as_view(), name="api-waiver-list"),
    path("waivers/<int:pk>/decision/", workorder_api.WaiverDecisionView.as_view(), name="api-waiver-decision"),
    path("calls/", workorder_api.CallListCreateView.as_view(), name="api-call-list"),
    path("message-slips/", workorder_api.MessageSlipListCreateView.as_view(), name="api-message-slip-list"),
    path(
        "message-slips/<int:pk>/answer/",
        workorder_api.MessageSlipAnswerView.as_view(),
        name="api-message-slip-answer",
    ),
    path("engineers/", dispatch_api.EngineerListView.as_view(), name="api-engineer-list"),
    path("engineers/<int:user_pk>/", dispatch_api.EngineerProfileView.as_view(), name="api-engineer-profile"),
    path("dispatch/board/", dispatch_api.BoardView.as_view(), name="api-dispatch-board"),
    path("dispatch/queue/", dispatch_api.DispatchQueueView.as_view(), name="api-dispatch-queue"),
    path(
        "dispatch/reconciliation/",
        dispatch_api.ReconciliationView.as_view(),
        name="api-reconciliation",
    ),
    path(
        "kpis/reconciliation/",
        kpi_api.OutletReconciliationView.as_view(),
        name="api-outlet-reconciliation",
    ),
    path(
        "work-orders/<int:pk>/engineer-suggestions/",
        dispatch_api.SuggestionsView.as_view(),
        name="api-engineer-suggestions",
    ),
    path("appointments/", dispatch_api.AppointmentListCreateView.as_view(), name="api-appointment-list"),
    path("appointments/check/", dispatch_api.AppointmentCheckView.as_view(), name="api-appointment-check"),
    path("appointments/<int:pk>/", dispatch_api.AppointmentDetailView.as_view(), name="api-appointment-detail"),
    path(
        "appointments/<int:pk>/reschedule/",
        dispatch_api.AppointmentRescheduleView.as_view(),
        name="api-appointment-reschedule",
    ),
    path(
        "appointments/<int:pk>/reassign/",
        dispatch_api.AppointmentReassignView.as_view(),
        name="api-appointment-reassign",
    ),
    path("appointments/<int:pk>/unbook/", dispatch_api.AppointmentUnbookView.as_view(), name="api-appointment-unbook"),
    path(
        "appointments/<int:pk>/visit/<slug:step>/",
        dispatch_api.VisitStepView.as_view(),
        name="api-visit-step",
    ),
    path("parts/", dispatch_api.PartListView.as_view(), name="api-part-list"),
    path("parts/stock/", dispatch_api.PartStockView.as_view(), name="api-part-stock"),
    path("parts/stock/reorder-points/", dispatch_api.ReorderPointView.as_view(), name="api-reorder-point"),
    path("parts/stock/<int:pk>/movements/", dispatch_api.StockMovementListView.as_view(), name="api-stock-movements"),
    path("stock-transfers/", dispatch_api.TransferListCreateView.as_view(), name="api-transfer-list"),
    path(
        "stock-transfers/<int:pk>/<slug:action>/",
        dispatch_api.TransferActionView.as_view(),
        name="api-transfer-action",
    ),
    path("part-requisitions/", dispatch_api.RequisitionListCreateView.as_view(), name="api-requisition-list"),
    path(
        "part-requisitions/<int:pk>/<slug:action>/",
        dispatch_api.RequisitionActionView.as_view(),
        name="api-requisition-action",
    ),
    path("loaners/", dispatch_api.LoanerListCreateView.as_view(), name="api-loaner-list"),
    path("loaners/<int:pk>/<slug:action>/", dispatch_api.LoanerActionView.as_view(), name="api-loaner-action"),
    path("callbacks/", followup_api.CallbackListView.as_view(), name="api-callback-list"),
    path("callbacks/<int:pk>/claim/", followup_api.CallbackClaimView.as_view(), name="api-callback-claim"),
    path("callbacks/<int:pk>/outcome/", followup_api.CallbackOutcomeView.as_view(), name="api-callback-outcome"),
    path("feedback/", complaint_api.FeedbackListCreateView.as_view(), name="api-feedback-list"),
    path("claims/", settlement_api.ClaimListView.as_view(), name="api-claim-list"),
    path("claims/<int:pk>/", settlement_api.ClaimDetailView.as_view(), name="api-claim-detail"),
    path("claims/<int:pk>/decision/", settlement_api.ClaimDecisionView.as_view(), name="api-claim-decision"),
    path("claims/<int:pk>/recheck/", settlement_api.ClaimRecheckView.as_view(), name="api-claim-recheck"),
    path("return-tags/", settlement_api.ReturnTagListView.as_view(), name="api-return-tag-list"),
    path("statements/", settlement_api.StatementListView.as_view(), name="api-statement-list"),
    path("statements/<int:pk>/", settlement_api.StatementDetailView.as_view(), name="api-statement-detail"),
    path("statements/<int:pk>/answer/", settlement_api.StatementAnswerView.as_view(), name="api-statement-answer"),
    path("statements/<int:pk>/reply/", settlement_api.StatementReplyView.as_view(), name="api-statement-reply"),
    path("statements/issue/", settlement_api.StatementIssueView.as_view(), name="api-statement-issue"),
    path("deductions/", settlement_api.DeductionListCreateView.as_view(), name="api-deduction-list"),
    path("part-shipments/", settlement_api.ShipmentListCreateView.as_view(), name="api-shipment-list"),
    path("part-shipments/<int:pk>/", settlement_api.ShipmentDetailView.as_view(), name="api-shipment-detail"),
    path(
        "part-shipments/<int:pk>/inspection/",
        settlement_api.ShipmentInspectionView.as_view(),
        name="api-shipment-inspection",
    ),
    path("complaints/", complaint_api.CaseListCreateView.as_view(), name="api-complaint-list"),
    path("complaints/<int:pk>/", complaint_api.CaseDetailView.as_view(), name="api-complaint-detail"),
    path("complaints/<int:pk>/<slug:action>/", complaint_api.CaseActionView.as_view(), name="api-complaint-action"),
    path(
        "complaint-remedies/<int:pk>/decision/",
        complaint_api.RemedyDecisionView.as_view(),
        name="api-remedy-decision",
    ),
    path("fees/schedules/", warranty_api.FeeScheduleListView.as_view(), name="api-fee-schedule-list"),
    path("fees/schedules/<int:pk>/", warranty_api.FeeScheduleDetailView.as_view(), name="api-fee-schedule-detail"),
    path("fees/quote/", warranty_api.QuoteView.as_view(), name="api-quote"),
]

role_homes = [
    path(f"home/{url_name.removeprefix('home-')}/", core_views.ROLE_HOME_VIEWS[url_name], name=url_name)
    for url_name in ROLE_HOME.values()
]

urlpatterns = [
    # The API first: Django tries the patterns in order, and each of the 150 pages' is a regular expression.
    path("api/v1/", include(api_v1)),
    path("", core_views.home, name="home"),
    *role_homes,
    path("home/no-role/", core_views.home_none, name="home-none"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/api-tokens/", core_views.api_tokens, name="api-tokens"),
    path("accounts/api-tokens/revoke/", core_views.api_token_revoke, name="api-token-revoke-page"),
    path("language/", core_views.language_switch, name="language-switch"),
    path("outlets/", core_views.outlet_list, name="outlet-list"),
    path("outlets/new/", core_views.outlet_create, name="outlet-create"),
    path("outlets/<int:pk>/", core_views.outlet_detail, name="outlet-detail"),
    path("outlets/<int:pk>/edit/", core_views.outlet_edit, name="outlet-edit"),
    path("outlets/options/", core_views.outlet_options, name="outlet-options"),  # an outlet picker's search
    path("staff/", core_views.staff_list, name="staff-list"),
    path("staff/new/", core_views.staff_create, name="staff-create"),
    path("staff/<int:pk>/", core_views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", core_views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/password/", core_views.staff_set_password, name="staff-password"),
    path("centres/", core_views.centre_list, name="centre-list"),
    path("centres/new/", core_views.centre_create, name="centre-create"),
    path("centres/<int:pk>/edit/", core_views.centre_edit, name="centre-edit"),
    path("system/", core_views.system_status, name="system-status"),
    path("warranty/check/", warranty_views.warranty_check, name="warranty-check"),
    path("warranty/policies/", warranty_views.policy_list, name="warranty-policies"),
    path(
        "warranty/policies/<slug:code>/new-version/",
        warranty_views.policy_version_create,
        name="policy-version-create",
    ),
    path("warranty/holidays/", warranty_views.holiday_list, name="holiday-list"),
    path("warranty/holidays/<int:pk>/delete/", warranty_views.holiday_delete, name="holiday-delete"),
    path("warranty/fees/", warranty_views.fee_schedule_list, name="fee-schedule-list"),
    path("warranty/fees/new/", warranty_views.fee_schedule_create, name="fee-schedule-create"),
    path("warranty/fees/<int:pk>/", warranty_views.fee_schedule_detail, name="fee-schedule-detail"),
    path("warranty/fees/<int:pk>/edit/", warranty_views.fee_schedule_edit, name="fee-schedule-edit"),
    path("warranty/fees/<int:pk>/publish/", warranty_views.fee_schedule_publish, name="fee-schedule-publish"),
    path("warranty/quote/", warranty_views.quote_calculator, name="quote-calculator"),
    path("hotline/", workorder_views.hotline, name="hotline"),
    path("hotline/slips/<int:pk>/answer/", workorder_views.message_slip_answer, name="message-slip-answer"),
    path("orders/", workorder_views.work_order_list, name="work-order-list"),
    path("orders/payments/", workorder_views.payment_list, name="payment-list"),
    path("orders/new/", workorder_views.intake, name="intake"),
    path("orders/new/customers/", workorder_views.customer_lookup, name="customer-lookup"),
    path("orders/new/warranty/", workorder_views.warranty_preview, name="warranty-preview"),
    path("orders/<int:pk>/", workorder_views.work_order_detail, name="work-order-detail"),
    path("orders/<int:pk>/act/", workorder_views.work_order_act, name="work-order-act"),
    path("orders/<int:pk>/hand-over/", workorder_views.work_order_hand_over, name="work-order-hand-over"),
    path("orders/<int:pk>/note/", workorder_views.work_order_note, name="work-order-note"),
    path("orders/<int:pk>/quote/", workorder_views.work_order_quote, name="work-order-quote"),
    path("orders/<int:pk>/pickup/", workorder_views.work_order_pickup, name="work-order-pickup"),
    path("orders/<int:pk>/agreement/", workorder_views.work_order_agreement, name="work-order-agreement"),
    path("orders/<int:pk>/details/", workorder_views.work_order_details, name="work-order-details"),
    path("orders/<int:pk>/waiver/", workorder_views.work_order_waiver, name="work-order-waiver"),
    path("orders/waivers/<int:pk>/decide/", workorder_views.waiver_decide, name="waiver-decide"),
    path("orders/<int:pk>/print/<slug:document>/", workorder_views.work_order_print, name="work-order-print"),
    path("orders/<int:pk>/swap/<slug:kind>/", workorder_views.work_order_swap, name="work-order-swap"),
    path("orders/<int:pk>/repair-record/", workorder_views.work_order_repair_record, name="work-order-repair-record"),
    path("dispatch/", dispatch_views.board, name="dispatch-board"),
    path("dispatch/rows/", dispatch_views.board_rows, name="dispatch-board-rows"),
    path("dispatch/queue/", dispatch_views.board_queue, name="dispatch-board-queue"),
    path("dispatch/week/", dispatch_views.board_week, name="dispatch-week"),
    path("dispatch/reconciliation/", dispatch_views.reconciliation, name="reconciliation"),
    path("dispatch/orders/<int:pk>/assign/", dispatch_views.assign, name="dispatch-assign"),
    path("dispatch/appointments/<int:pk>/", dispatch_views.appointment_detail, name="appointment-detail"),
    path("dispatch/appointments/<int:pk>/print/", dispatch_views.service_record, name="service-record"),
    path(
        "dispatch/appointments/<int:pk>/<slug:action>/",
        dispatch_views.appointment_change,
        name="appointment-change",
    ),
    path("dispatch/parts/", dispatch_views.parts, name="parts"),
    path("dispatch/parts/<int:pk>/<slug:action>/", dispatch_views.requisition_act, name="requisition-act"),
    path("dispatch/stock/", dispatch_views.stock, name="stock"),
    path("dispatch/stock/places/", dispatch_views.stock_place_options, name="stock-place-options"),
    path("dispatch/stock/<int:pk>/", dispatch_views.stock_detail, name="stock-detail"),
    path("dispatch/stock/transfers/", dispatch_views.transfers, name="stock-transfers"),
    path(
        "dispatch/stock/transfers/<int:pk>/<slug:action>/",
        dispatch_views.transfer_act,
        name="stock-transfer-act",
    ),
    path("dispatch/loaners/", dispatch_views.loaners, name="loaners"),
    path("dispatch/loaners/<int:pk>/<slug:action>/", dispatch_views.loaner_act, name="loaner-act"),
    path("dispatch/orders/<int:pk>/lend/", dispatch_views.loaner_lend, name="loaner-lend"),
    path("engineers/", dispatch_views.engineer_list, name="engineer-list"),
    path("engineers/<int:user_pk>/", dispatch_views.engineer_edit, name="engineer-edit"),
    path("jobs/", dispatch_views.my_jobs, name="my-jobs"),
    path("jobs/<int:pk>/", dispatch_views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/<slug:step>/", dispatch_views.job_step, name="job-step"),
    path("callbacks/", followup_views.call_queue, name="call-queue"),
    path("callbacks/new/", followup_views.callback_new, name="callback-new"),
    path("callbacks/measures/", followup_views.callback_measures, name="callback-measures"),
    path("callbacks/plans/", followup_views.plan_list, name="callback-plans"),
    path("callbacks/plans/<int:pk>/", followup_views.plan_edit, name="callback-plan-edit"),
    path("callbacks/<int:pk>/", followup_views.callback_detail, name="callback-detail"),
    path("callbacks/<int:pk>/claim/", followup_views.callback_claim, name="callback-claim"),
    path("callbacks/<int:pk>/claim-others/", followup_views.callback_claim_others, name="callback-claim-others"),
    path("callbacks/<int:pk>/record/", followup_views.callback_record, name="callback-record"),
    path("hooks/sms/<str:secret>/", core_views.sms_reply, name="sms-reply"),  # Tencent Cloud's reply callback
    path("t/<str:token>/", portal_views.track, name="track"),
    path("t/<str:token>/wechat/", portal_views.track_wechat, name="track-wechat"),
    path("book/", portal_views.book_outlets, name="book-outlets"),  # the customer books a repair (no login)
    path("book/<slug:outlet_code>/", portal_views.book, name="book"),
    path(
        "book/<slug:outlet_code>/poster/", portal_views.book_poster, name="book-poster"
    ),  # the customer's tracking link (no login)
    path("settlement/claims/", settlement_views.claim_list, name="claim-list"),
    path("settlement/claims/<int:pk>/", settlement_views.claim_detail, name="claim-detail"),
    path("settlement/claims/<int:pk>/decide/", settlement_views.claim_decide, name="claim-decide"),
    path("settlement/claims/<int:pk>/recheck/", settlement_views.claim_recheck, name="claim-recheck"),
    path("settlement/statements/", settlement_views.statement_list, name="statement-list"),
    path("settlement/statements/<int:pk>/", settlement_views.statement_detail, name="statement-detail"),
    path("settlement/deductions/complaint/", settlement_views.complaint_deduction, name="complaint-deduction"),
    path("settlement/statements/<int:pk>/print/", settlement_views.statement_print, name="statement-print"),
    path("settlement/statements/<int:pk>.xlsx", settlement_views.statement_xlsx, name="statement-xlsx"),
    path("settlement/returns/", settlement_views.returns, name="returns"),
    path("settlement/price-lists/", settlement_views.price_lists, name="settlement-price-lists"),
    path("settlement/returns/shipments/<int:pk>/", settlement_views.shipment_detail, name="shipment-detail"),
    path("settlement/returns/orders/<int:order_pk>/tags/", settlement_views.tag_labels, name="return-tag-labels"),
    path("complaints/", complaint_views.case_list, name="complaint-list"),
    path("complaints/new/", complaint_views.case_new, name="complaint-new"),
    path("complaints/<int:pk>/", complaint_views.case_detail, name="complaint-detail"),
    path("complaints/<int:pk>/<slug:action>/", complaint_views.case_act, name="complaint-act"),
    path("kpis/", kpi_views.dashboard, name="kpi-dashboard"),
    path("kpis/scorecards/", kpi_views.scorecards, name="kpi-scorecards"),
    path("kpis/reconciliation/", kpi_views.outlet_reconciliation, name="outlet-reconciliation"),
    path("kpis/export/<slug:section>.<slug:fmt>", kpi_views.export, name="kpi-export"),
    path("exports/<slug:name>.<slug:fmt>", core_views.export, name="export"),
    path("exports/jobs/", core_views.export_jobs, name="export-jobs"),
    path("exports/jobs/<int:pk>/", core_views.export_job, name="export-job"),
    path("exports/jobs/<int:pk>/download/", core_views.export_download, name="export-download"),
    path("complaints/remedies/<int:pk>/decide/", complaint_views.remedy_decide, name="remedy-decide"),
    path("complaints/remedies/<int:pk>/carry-out/", complaint_views.remedy_carry_out, name="remedy-carry-out"),
    path("feedback/", complaint_views.feedback_list, name="feedback-list"),
    path("feedback/new/", complaint_views.feedback_new, name="feedback-new"),
    path("feedback/<int:pk>/acknowledge/", complaint_views.feedback_acknowledge, name="feedback-acknowledge"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("django-admin/", admin.site.urls),
]

handler400 = "core.errorpages.bad_request"
handler403 = "core.errorpages.permission_denied"
handler404 = "core.errorpages.page_not_found"
handler500 = "core.errorpages.server_error"
