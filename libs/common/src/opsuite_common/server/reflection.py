"""Server reflection under both protocol versions, ``grpc.reflection.v1`` and ``grpc.reflection.v1alpha``.

grpcio-reflection (1.85) ships only v1alpha (grpc/grpc#38576), while newer clients (grpcurl 1.9, Postman,
grpc-java's and grpc-go's tools) ask for v1 first. The two protocols are the same messages under another
package, field for field, so byte for byte on the wire: v1 is served by the same servicer under the v1
method path, with v1alpha's (de)serializers. The v1 file descriptor (v1alpha's, renamed) is added to the
default pool, so reflection can describe ``grpc.reflection.v1.ServerReflection`` itself; its message
classes (:data:`V1_REQUEST`, :data:`V1_RESPONSE`) are for clients and tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FileDescriptor
from google.protobuf.message import Message
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc

__all__ = ["V1ALPHA_SERVICE_NAME", "V1_REQUEST", "V1_RESPONSE", "V1_SERVICE_NAME", "add_reflection"]

V1_SERVICE_NAME = "grpc.reflection.v1.ServerReflection"
V1ALPHA_SERVICE_NAME: str = reflection.SERVICE_NAME
_V1_FILE = "grpc/reflection/v1/reflection.proto"
_V1ALPHA, _V1 = ".grpc.reflection.v1alpha.", ".grpc.reflection.v1."


def _v1_file() -> FileDescriptor:
    """grpc/reflection/v1/reflection.proto in the default pool (added once, from v1alpha's descriptor)."""
    pool = descriptor_pool.Default()
    try:
        return pool.FindFileByName(_V1_FILE)
    except KeyError:
        pass
    proto = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(proto)
    proto.name, proto.package = _V1_FILE, "grpc.reflection.v1"
    for message in proto.message_type:
        for field in message.field:
            if field.HasField("type_name"):
                field.type_name = field.type_name.replace(_V1ALPHA, _V1)
    for service in proto.service:
        for method in service.method:
            method.input_type = method.input_type.replace(_V1ALPHA, _V1)
            method.output_type = method.output_type.replace(_V1ALPHA, _V1)
    # The options of the published grpc/reflection/v1/reflection.proto.
    proto.options.Clear()
    proto.options.go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1"
    proto.options.java_multiple_files = True
    proto.options.java_package = "io.grpc.reflection.v1"
    proto.options.java_outer_classname = "ServerReflectionProto"
    pool.AddSerializedFile(proto.SerializeToString())
    return pool.FindFileByName(_V1_FILE)


def _v1_message(name: str) -> type[Message]:
    return message_factory.GetMessageClass(_V1_DESCRIPTOR.message_types_by_name[name])


_V1_DESCRIPTOR = _v1_file()
#: ``grpc.reflection.v1.ServerReflectionRequest`` and ``...Response`` (for clients and tests).
V1_REQUEST = _v1_message("ServerReflectionRequest")
V1_RESPONSE = _v1_message("ServerReflectionResponse")


def add_reflection(server: Any, service_names: Sequence[str]) -> None:
    """Serve reflection for ``service_names`` (plus both reflection services) under v1 and v1alpha.

    ``server`` is what handlers are registered on (the pipeline's registrar, so both versions run through
    the pipeline's stages like every other handler).
    """
    # The aio servicer, explicitly: enable_server_reflection picks by isinstance(server).
    servicer = reflection.aio.ReflectionServicer([*service_names, V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME])
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(servicer, server)
    v1_handlers = {
        "ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(
            servicer.ServerReflectionInfo,
            request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
            response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
        )
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(V1_SERVICE_NAME, v1_handlers),))
    server.add_registered_method_handlers(V1_SERVICE_NAME, v1_handlers)
