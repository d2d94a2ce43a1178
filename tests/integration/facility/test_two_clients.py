from typing import Any


async def test_two_extra_clients(make_client: Any, world: Any) -> None:
    a = await make_client()
    b = await make_client()
    assert (await a.login("coord_a")).status_code == 303
    assert (await b.login("nurse_a")).status_code == 303
