"""The public catalogue (under ``catalogue/``): search, product and producer pages, open data."""

from django.urls import path

from public import catalogue, media

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("p/<str:code>/", catalogue.product_page, name="catalogue_product"),
    path("producer/<str:code>/", catalogue.producer_page, name="catalogue_producer"),
    path("image/<int:pk>", media.product_image, name="catalogue_image"),
    path("open-data/products.csv", catalogue.open_data_csv, name="catalogue_open_data_csv"),
    path("open-data/products.json", catalogue.open_data_json, name="catalogue_open_data_json"),
]
