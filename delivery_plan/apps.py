from django.apps import AppConfig


class DeliveryPlanConfig(AppConfig):
    name = "delivery_plan"
    verbose_name = "Delivery plan"
