"""Background loops stop when asked, even when a step swallows the cancellation."""

import asyncio

from shared.periodic import Periodic


async def test_steps_repeat_until_stopped() -> None:
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1

    loop = Periodic(step, 0.01, "counting")
    loop.start()
    await asyncio.sleep(0.2)
    await loop.stop()
    counted = steps
    await asyncio.sleep(0.05)
    assert counted >= 3
    assert steps == counted  # nothing runs after stop()


async def test_stop_returns_when_a_step_swallows_the_cancellation() -> None:
    # What redis-py's client can do: a CancelledError landing inside a command's timeout
    # comes out as a connection error, which a step that survives Redis failures catches.
    inside = asyncio.Event()
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1
        inside.set()
        try:
            await asyncio.sleep(0.2)
        except asyncio.CancelledError:
            pass

    loop = Periodic(step, 0.001, "swallowing")
    loop.start()
    await inside.wait()
    async with asyncio.timeout(2):  # a `while True` loop never returns here
        await loop.stop()
    assert steps == 1
