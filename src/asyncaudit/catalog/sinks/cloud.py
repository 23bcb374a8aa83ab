"""Cloud, messaging, SSH, container and payment SDKs (sync APIs only).

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import MethodFamily, Sink
from asyncaudit.catalog.base import family as _family
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks


# docker SDK (docker.models.*): every method is a call to the Docker daemon.
_DOCKER_CONTAINER = """
attach commit diff exec_run export get_archive kill logs pause put_archive reload remove rename
resize restart start stats stop top unpause update wait
"""

# boto3 / botocore service clients are generated at run time from the service model:
# `boto3.client("cognito-idp")` has no static type, and its operations
# (`initiate_auth`, `get_object`, ...) are thousands across services.  Every one is an
# HTTPS request (`BaseClient._make_api_call`); boto3's injected S3 helpers
# (`upload_file`, `download_fileobj`, `copy`, ...) transfer over HTTPS too.  The local
# methods: request signing (`generate_presigned_url`/`_post`, RDS's
# `generate_db_auth_token`, Aurora DSQL's `generate_db_connect_auth_token` /
# `generate_db_connect_admin_auth_token`), building paginators and waiters,
# `can_paginate`, `close` (drops the pooled connections) and the `meta` / `exceptions` /
# `waiter_names` attributes.
FAMILIES: tuple[MethodFamily, ...] = (
    _family("botocore.client.BaseClient", "network",
            "generate_presigned_url generate_presigned_post generate_db_auth_token "
            "generate_db_connect_auth_token generate_db_connect_admin_auth_token "
            "get_paginator get_waiter can_paginate close meta exceptions waiter_names",
            alternative="aioboto3 / aiobotocore"),
)

SINKS: tuple[Sink, ...] = (
    # boto3 client/resource creation loads the service model JSON from disk.
    *_sinks("file", "boto3.client", "boto3.resource", "boto3.Session.client",
            "boto3.Session.resource", "botocore.session.Session.create_client",
            alternative="aioboto3 / aiobotocore"),

    # boto3 / botocore paginators and waiters (client operations: FAMILIES).
    *_sinks(
        "network",
        *_on("botocore.paginate.PageIterator", "__iter__ build_full_result search"),
        "botocore.waiter.Waiter.wait",
        *_on("boto3.s3.transfer.S3Transfer", "upload_file download_file"),
        alternative="aioboto3 / aiobotocore",
    ),
    # Google Cloud client libraries (sync).  Constructors only build objects;
    # `bucket()`/`blob()`/`table()` are local references.
    *_sinks(
        "network",
        *_on("google.cloud.storage.Client", "get_bucket lookup_bucket list_buckets "
                                            "create_bucket list_blobs download_blob_to_file"),
        *_on("google.cloud.storage.Bucket", "get_blob list_blobs exists reload delete create "
                                            "patch update copy_blob delete_blob delete_blobs "
                                            "rename_blob"),
        *_on("google.cloud.storage.Blob", "upload_from_string upload_from_filename "
                                          "upload_from_file download_as_bytes "
                                          "download_as_string download_as_text "
                                          "download_to_filename download_to_file exists "
                                          "delete reload patch update rewrite compose "
                                          "make_public open"),
        *_on("google.cloud.storage.fileio.BlobReader", "read read1 readline __iter__ __next__"),
        *_on("google.cloud.storage.fileio.BlobWriter", "write flush close"),
        *_on("google.cloud.bigquery.Client", "query query_and_wait get_table list_rows "
                                             "insert_rows insert_rows_json "
                                             "load_table_from_file load_table_from_uri "
                                             "load_table_from_dataframe create_table "
                                             "delete_table get_dataset create_dataset "
                                             "list_datasets list_tables get_job"),
        *_on("google.cloud.bigquery.QueryJob", "result to_dataframe to_arrow"),
        "google.cloud.pubsub_v1.SubscriberClient.pull",
        "google.auth.default",
    ),
    # Messaging: kafka-python (constructors bootstrap the cluster metadata), pika.
    *_sinks(
        "network",
        "kafka.KafkaProducer", "kafka.KafkaConsumer", "kafka.KafkaAdminClient",
        *_on("kafka.KafkaProducer", "send flush close partitions_for init_transactions "
                                    "commit_transaction abort_transaction "
                                    "send_offsets_to_transaction"),
        *_on("kafka.KafkaConsumer", "poll commit committed position topics "
                                    "partitions_for_topic beginning_offsets end_offsets "
                                    "offsets_for_times close __iter__ __next__"),
        *_on("kafka.KafkaAdminClient", "create_topics delete_topics list_topics "
                                       "describe_topics describe_cluster describe_configs "
                                       "alter_configs create_partitions "
                                       "list_consumer_groups describe_consumer_groups "
                                       "list_consumer_group_offsets "
                                       "delete_consumer_groups"),
        "kafka.producer.future.FutureRecordMetadata.get",
        alternative="aiokafka",
    ),
    *_sinks(
        "network",
        "pika.BlockingConnection", "pika.adapters.blocking_connection.BlockingConnection",
        *_on("pika.BlockingConnection", "channel close process_data_events sleep"),
        *_on("pika.adapters.blocking_connection.BlockingChannel",
             "basic_publish basic_consume basic_get basic_ack basic_nack basic_reject "
             "basic_qos basic_cancel basic_recover queue_declare queue_bind queue_unbind "
             "queue_purge queue_delete exchange_declare exchange_bind exchange_unbind "
             "exchange_delete confirm_delivery start_consuming consume tx_select tx_commit "
             "tx_rollback close"),
        alternative="aio-pika",
    ),
    # SSH / SFTP: paramiko.  Every message a client sends goes through
    # `Transport._send_user_message`, which waits on an Event while keys are renegotiated
    # and writes to the socket; most requests then wait for the reply (`_wait_for_event`,
    # `completion_event`, SFTP `_request`).  `close()` sends a close message (Channel,
    # SFTPClient: its channel; SFTPFile: flushes, then waits for CMD_CLOSE's reply) or
    # stops the transport thread and joins it (Transport, SSHClient); `__exit__` is
    # `ClosingContextManager.__exit__`, i.e. `close()`.  Local: `get_transport`,
    # `makefile*`, `settimeout`, `*_ready`, `set_*` options, `SFTPClient.getcwd`.
    *_sinks(
        "network",
        *_on("paramiko.SSHClient", "connect exec_command invoke_shell open_sftp close __exit__"),
        *_on("paramiko.Transport", "connect start_client start_server auth_none auth_password "
                                   "auth_publickey auth_interactive auth_interactive_dumb "
                                   "auth_gssapi_with_mic auth_gssapi_keyex open_session "
                                   "open_channel open_x11_channel open_forward_agent_channel "
                                   "open_forwarded_tcpip_channel open_sftp_client accept "
                                   "request_port_forward cancel_port_forward global_request "
                                   "send_ignore renegotiate_keys close __exit__"),
        *_on("paramiko.Channel", "recv recv_stderr send sendall send_stderr sendall_stderr "
                                 "exec_command invoke_shell invoke_subsystem recv_exit_status "
                                 "get_pty resize_pty update_environment "
                                 "set_environment_variable send_exit_status request_x11 "
                                 "request_forward_agent shutdown shutdown_write close __exit__"),
        *_on("paramiko.ChannelFile", "read readline readlines readinto write writelines flush "
                                     "__iter__ __next__"),
        # A stdin file's `close` sends EOF (`shutdown_write`) after the flush; closing a
        # read-side file (stdout, stderr) with nothing buffered sends nothing.
        *_on("paramiko.ChannelStdinFile", "close __exit__"),
        "paramiko.SFTPClient.from_transport",
        *_on("paramiko.SFTPClient", "get put getfo putfo open file listdir listdir_attr "
                                    "listdir_iter remove unlink rename posix_rename mkdir "
                                    "rmdir stat lstat symlink chmod chown utime truncate "
                                    "readlink normalize chdir close __exit__"),
        # `prefetch()` stats the file first unless given its size; `readv` waits for the
        # chunks; `check` is a round trip.
        *_on("paramiko.SFTPFile", "read readline readlines readinto write writelines flush "
                                  "stat chmod chown utime truncate check prefetch readv close "
                                  "__exit__ __iter__ __next__"),
        alternative="asyncssh",
    ),
    # Fabric (on paramiko) and Invoke.  `Connection.run/sudo/shell/sftp/create_session`
    # open the SSH connection first (`@opens`); `get`/`put` are SFTP transfers; `close` /
    # `__exit__` close SFTP and the SSHClient (`__enter__` returns self).  Creating a
    # `Connection` without a `config=`, a `fabric.Config` or an `invoke.Config` /
    # `invoke.Context` reads the SSH config files (`/etc/ssh/ssh_config`, `~/.ssh/config`)
    # and Invoke's config files (`NONBLOCKING_ARGS`: a given config, `lazy=True`).
    # `Connection.local` and `invoke.run` run a subprocess.
    *_sinks(
        "network",
        *_on("fabric.Connection", "open open_gateway close __exit__ create_session run sudo "
                                  "shell sftp get put"),
        *_on("fabric.transfer.Transfer", "get put"),
        *_on("fabric.Group", "run sudo get put close __exit__"),
        alternative="asyncssh",
    ),
    *_sinks("file", "fabric.Connection", "fabric.Config", "invoke.Config", "invoke.Context"),
    *_sinks("subprocess", "fabric.Connection.local", "invoke.run", "invoke.sudo",
            *_on("invoke.Context", "run sudo")),
    # docker SDK.  `docker.from_env()` / `DockerClient()` query the daemon's API version.
    *_sinks(
        "network",
        "docker.from_env", "docker.DockerClient", "docker.DockerClient.from_env",
        "docker.APIClient",
        *_on("docker.DockerClient", "ping info version events df login"),
        *_on("docker.models.containers.ContainerCollection", "run create get list prune"),
        *_on("docker.models.containers.Container", _DOCKER_CONTAINER),
        *_on("docker.models.images.ImageCollection", "build get get_registry_data list load "
                                                     "pull push remove search prune "
                                                     "prune_builds"),
        *_on("docker.models.images.Image", "history remove save tag reload"),
        *_each("docker.models.networks.NetworkCollection docker.models.volumes.VolumeCollection",
               "create get list prune"),
        alternative="aiodocker",
    ),
    # Object stores.
    *_sinks(
        "network",
        *_on("minio.Minio", "put_object get_object fput_object fget_object list_objects "
                            "stat_object remove_object remove_objects bucket_exists "
                            "make_bucket list_buckets remove_bucket copy_object"),
    ),
    # Stripe (classic resource API: one request per classmethod).
    *_sinks(
        "network",
        *_each("stripe.Customer stripe.PaymentIntent stripe.Charge stripe.Subscription "
               "stripe.Invoice stripe.Refund stripe.Price stripe.Product "
               "stripe.checkout.Session stripe.PaymentMethod stripe.SetupIntent",
               "create retrieve modify list delete"),
        *_on("stripe.PaymentIntent", "confirm capture cancel"),
        *_on("stripe.Subscription", "cancel"),
    ),

)
