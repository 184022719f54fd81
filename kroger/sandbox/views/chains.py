"""Chains and Departments (kroger-api.md §6.2): small lookups with their own daily limits."""

from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse

from .. import locations
from ..store import Grant
from .common import kroger_api, not_found, wrapped_error

# name -> (domain, friendly banner name)
CHAINS = {
    "FRED": ("fredmeyer.com", "Fred Meyer"),
    "FRYS": ("frysfood.com", "Fry's"),
    "KINGSOOPERS": ("kingsoopers.com", "King Soopers"),
    "KROGER": ("kroger.com", "Kroger"),
    "RALPHS": ("ralphs.com", "Ralphs"),
    "SMITHS": ("smithsfoodanddrug.com", "Smith's"),
}


def _chain(name: str) -> dict:
    domain, banner = CHAINS[name]
    divisions = sorted({loc["divisionNumber"] for loc in locations.all_locations() if loc["chain"] == name})
    return {"name": name, "divisionNumbers": divisions, "domain": domain, "friendlyBannerName": banner}


@kroger_api("locations", counter="chains")
def chain_list(request: HttpRequest, grant: Grant) -> HttpResponse:
    return JsonResponse({"data": [_chain(name) for name in sorted(CHAINS)], "meta": {}})


@kroger_api("locations", counter="chains", methods=("GET", "HEAD"))
def chain_detail(request: HttpRequest, grant: Grant, name: str) -> HttpResponse:
    code = locations.chain_code(unquote(name))
    if code not in CHAINS:
        return HttpResponse(status=404) if request.method == "HEAD" else not_found()
    if request.method == "HEAD":
        return HttpResponse(status=204)
    return JsonResponse({"data": _chain(code), "meta": {}})


def _departments() -> list[dict]:
    return [{"departmentId": key, "name": name} for key, name in sorted(locations.departments().items())]


@kroger_api("locations", counter="departments")
def department_list(request: HttpRequest, grant: Grant) -> HttpResponse:
    return JsonResponse({"data": _departments(), "meta": {}})


@kroger_api("locations", counter="departments", methods=("GET", "HEAD"))
def department_detail(request: HttpRequest, grant: Grant, department_id: str) -> HttpResponse:
    head = request.method == "HEAD"
    if len(department_id) != 2:
        return (
            HttpResponse(status=400) if head else wrapped_error(400, "LOCATION-2119", "Invalid department ID")
        )
    department = next((d for d in _departments() if d["departmentId"] == department_id), None)
    if department is None:
        return HttpResponse(status=404) if head else not_found()
    return HttpResponse(status=204) if head else JsonResponse({"data": department, "meta": {}})
