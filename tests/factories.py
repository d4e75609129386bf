import factory
from django.contrib.auth.models import Group

from core.models import Outlet, ServiceCentre, User
from core.roles import Role

PASSWORD = "Test#Pass-2026"


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre

    code = factory.Sequence(lambda n: f"centre-{n}")
    name = factory.Sequence(lambda n: f"测试服务中心{n}")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    code = factory.Sequence(lambda n: f"outlet-{n}")
    name = factory.Sequence(lambda n: f"测试网点{n}")
    centre = factory.SubFactory(CentreFactory)
    address = "上海市徐汇区漕溪北路 88 号"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; pass role=Role.X and outlets=[...] (or centre / is_headquarters)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))
            if extracted == Role.ADMIN:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def outlets(self, create, extracted, **kwargs):
        if create and extracted:
            self.outlets.set(extracted)
