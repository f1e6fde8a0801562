"""The committed generated modules are exactly what the codegen script makes from api.proto."""

from __future__ import annotations

from pathlib import Path

import pytest

import pyhpo.storages._grpc as grpc_package


def test_committed_generated_code_matches_a_fresh_regeneration(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    from pyhpo.storages._grpc import _codegen

    here = Path(grpc_package.__file__).parent
    written = _codegen.generate(tmp_path)
    assert sorted(p.name for p in written) == ["api_pb2.py", "api_pb2.pyi", "api_pb2_grpc.py"]
    for path in written:
        committed = (here / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == committed, (
            f"{path.name} is stale: run `python -m pyhpo.storages._grpc._codegen` and commit the result"
        )


def test_our_proto_is_wire_compatible_with_optunas() -> None:
    """Every message, field number, type and enum value of Optuna's api.proto is in ours, unchanged."""
    pytest.importorskip("grpc")
    optuna_api = pytest.importorskip("optuna.storages._grpc.auto_generated.api_pb2")
    from pyhpo.storages._grpc import api_pb2

    theirs, ours = optuna_api.DESCRIPTOR, api_pb2.DESCRIPTOR
    assert ours.package == theirs.package == "optuna"
    for name, message in theirs.message_types_by_name.items():
        mine = ours.message_types_by_name[name]
        for field in message.fields:
            counterpart = mine.fields_by_number[field.number]
            assert (counterpart.name, counterpart.type, counterpart.is_repeated) == (
                field.name,
                field.type,
                field.is_repeated,
            ), f"{name}.{field.name}"
    for name, enum in theirs.enum_types_by_name.items():
        assert [(v.name, v.number) for v in ours.enum_types_by_name[name].values] == [
            (v.name, v.number) for v in enum.values
        ]
    service, my_service = theirs.services_by_name["StorageService"], ours.services_by_name["StorageService"]
    for method in service.methods:
        mine_m = my_service.methods_by_name[method.name]
        assert (mine_m.input_type.full_name, mine_m.output_type.full_name) == (
            method.input_type.full_name,
            method.output_type.full_name,
        )
