"""URL-walk registry entries of the grids app (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.kernel.testing import PUBLIC_URL_NAMES, ForeignWorld, url_param

# A township's service matters are published on purpose (002 §2).
PUBLIC_URL_NAMES.update({"grids-public:township-services"})


def _grid(world: ForeignWorld) -> str:
    from bianzhi.grids.models import Grid, Village
    from bianzhi.grids.services import WorkerData, grid_create, village_create

    village = Village.objects.filter(township=world.township, name="示例村").first()
    if village is None:
        village = village_create(actor=None, township=world.township, name="示例村")
    grid = Grid.objects.filter(village=village).first()
    if grid is None:
        grid = grid_create(
            actor=None, village=village, name="第一网格",
            worker=WorkerData(name="张三", post="专职网格员", duties="信息采集"),
        )
    return str(grid.pk)


@url_param("pk", url_name="grid-detail")
def _api_grid(world: ForeignWorld) -> list[str]:
    return [_grid(world)]


@url_param("pk", url_name="service-matter-detail")
def _api_matter(world: ForeignWorld) -> list[str]:
    from bianzhi.grids.services import MatterData, service_matter_save

    matter = service_matter_save(
        actor=None, township=world.township, data=MatterData(name="示例事项", location="便民服务中心")
    )
    return [str(matter.pk)]
