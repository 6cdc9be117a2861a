"""Put interview answers into a spec document, keeping its comments and key order."""

from __future__ import annotations

import io
import types
import typing

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from infra_architect.spec._models import Requirements
from infra_architect.spec._questions import Question


def set_answer(tree: CommentedMap, path: tuple[str, ...], value: object) -> None:
    """Set ``path`` in ``tree``, creating mappings on the way, each key placed in the
    order the spec's models define (so ``availability`` lands before ``delivery``)."""
    node = tree
    model: type[BaseModel] | None = Requirements
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        order = _key_order(model)
        if last:
            _place(node, key, value, order)
            return
        child = node.get(key)
        if not isinstance(child, CommentedMap):
            child = CommentedMap()
            _place(node, key, child, order)
        node = child
        model = _child_model(model, key)


def check_answer(question: Question, value: float) -> str | None:
    """Why ``value`` is not an acceptable answer, or ``None``."""
    low, high = question.minimum, question.maximum
    if low is not None and (value < low or (question.exclusive and value == low)):
        return f"must be {'greater than' if question.exclusive else 'at least'} {low:g}"
    if high is not None and (value > high or (question.exclusive and value == high)):
        return f"must be {'less than' if question.exclusive else 'at most'} {high:g}"
    if question.kind == "integer" and value != int(value):
        return "must be a whole number"
    return None


def dump_document(tree: CommentedMap) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


def _place(node: CommentedMap, key: str, value: object, order: list[str]) -> None:
    if key in node or key not in order:
        node[key] = value
        return
    rank = order.index(key)
    position = len(node)
    for index, existing in enumerate(node):
        if existing in order and order.index(existing) > rank:
            position = index
            break
    node.insert(position, key, value)


def _key_order(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _child_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            annotation: object = info.annotation
            for arg in (annotation, *typing.get_args(annotation)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    return arg
            if typing.get_origin(annotation) in (typing.Union, types.UnionType):
                return None
    return None
