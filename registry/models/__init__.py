from registry.models.documents import Document
from registry.models.producers import BusinessFigure, Producer, Sequence
from registry.models.products import (
    IPTitle,
    Product,
    ProductCertification,
    ProductImage,
    ProductSet,
    SalesChannel,
)

__all__ = [
    "BusinessFigure",
    "Document",
    "IPTitle",
    "Producer",
    "Product",
    "ProductCertification",
    "ProductImage",
    "ProductSet",
    "SalesChannel",
    "Sequence",
]
