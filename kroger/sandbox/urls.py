"""The sandbox speaks Kroger's /v1 paths; /cart and /_faults are sandbox-only helpers."""

from django.urls import path

from .views import cart, catalogue, chains, oauth

app_name = "sandbox"

urlpatterns = [
    path("v1/connect/oauth2/authorize", oauth.authorize, name="authorize"),
    path("v1/connect/oauth2/token", oauth.token, name="token"),
    path("v1/identity/profile", cart.profile, name="profile"),
    path("v1/products", catalogue.products, name="products"),
    path("v1/products/<str:product_id>", catalogue.product_detail, name="product"),
    path("v1/locations", catalogue.location_search, name="locations"),
    path("v1/locations/<str:location_id>", catalogue.location_detail, name="location"),
    path("v1/chains", chains.chain_list, name="chains"),
    path("v1/chains/<str:name>", chains.chain_detail, name="chain"),
    path("v1/departments", chains.department_list, name="departments"),
    path("v1/departments/<str:department_id>", chains.department_detail, name="department"),
    path("v1/cart/add", cart.cart_add, name="cart-add"),
    path("v1/carts", cart.partner_carts, name="partner-carts"),
    path("v1/carts/<path:path>", cart.partner_carts, name="partner-cart"),
    path("cart", cart.cart_page, name="cart"),
    path("_faults", cart.faults, name="faults"),
]
