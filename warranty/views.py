from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from core.decorators import staff_page
from warranty import selectors
from warranty.forms import WarrantyCheckForm
from warranty.services import case_from, warranty_evaluate


@staff_page(perm="warranty.view_warrantypolicy")
def warranty_check(request):
    """Any staff member checks a product's 三包 entitlement by hand; htmx swaps in the result."""
    form = WarrantyCheckForm(request.POST or None, initial={"fault_date": timezone.localdate()})
    evaluation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = warranty_evaluate(policy_code=data["policy"], case=case_from(data))
        except ValidationError as exc:
            form.add_service_errors(exc)
    template = "warranty/check_result.html" if request.htmx else "warranty/check.html"
    return render(request, template, {"form": form, "evaluation": evaluation})


@staff_page(perm="warranty.view_warrantypolicy")
def policy_list(request):
    return render(request, "warranty/policy_list.html", {"policies": selectors.policy_list()})
