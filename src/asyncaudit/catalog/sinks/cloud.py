"""Cloud, messaging, SSH, container and payment SDKs (sync APIs only).

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks


# docker SDK (docker.models.*): every method is a call to the Docker daemon.
_DOCKER_CONTAINER = """
attach commit diff exec_run export get_archive kill logs pause put_archive reload remove rename
resize restart start stats stop top unpause update wait
"""

# boto3 / botocore service clients are generated at run time: `boto3.client("s3")` has no
# static type, so only the operations below, called on a value known to be a
# `botocore.client.BaseClient` (see types.FUNCTION_RETURNS), are recognised.  Every
# operation of a service client is one HTTPS request; `generate_presigned_url`,
# `generate_presigned_post`, `get_paginator`, `get_waiter`, `can_paginate` are local.
_BOTO_OPERATIONS = """
get_object put_object delete_object delete_objects head_object copy_object list_objects
list_objects_v2 list_buckets create_bucket delete_bucket head_bucket get_bucket_location
create_multipart_upload upload_part complete_multipart_upload abort_multipart_upload
upload_file download_file upload_fileobj download_fileobj copy
get_item put_item update_item delete_item query scan batch_get_item batch_write_item
transact_get_items transact_write_items describe_table create_table delete_table list_tables
send_message send_message_batch receive_message delete_message delete_message_batch
get_queue_url change_message_visibility publish publish_batch invoke
get_secret_value put_secret_value get_parameter get_parameters get_parameters_by_path
put_parameter assume_role get_caller_identity describe_instances start_instances
stop_instances run_instances terminate_instances put_record put_records get_records
get_shard_iterator put_events start_execution describe_execution put_metric_data
put_log_events filter_log_events get_log_events start_query get_query_results encrypt
decrypt generate_data_key sign verify invoke_model invoke_model_with_response_stream converse
converse_stream retrieve retrieve_and_generate send_email send_raw_email
"""

SINKS: tuple[Sink, ...] = (
    # boto3 client/resource creation loads the service model JSON from disk.
    *_sinks("file", "boto3.client", "boto3.resource", "boto3.Session.client",
            "boto3.Session.resource", "botocore.session.Session.create_client",
            alternative="aioboto3 / aiobotocore"),

    # boto3 / botocore (see _BOTO_OPERATIONS), paginators and waiters.
    *_sinks(
        "network",
        *_on("botocore.client.BaseClient", _BOTO_OPERATIONS),
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
    # SSH / SFTP: paramiko.
    *_sinks(
        "network",
        *_on("paramiko.SSHClient", "connect exec_command invoke_shell open_sftp"),
        *_on("paramiko.Transport", "connect start_client start_server auth_password "
                                   "auth_publickey open_session open_channel "
                                   "open_sftp_client accept"),
        *_on("paramiko.Channel", "recv recv_stderr send sendall send_stderr "
                                 "exec_command invoke_shell recv_exit_status "
                                 "get_pty"),
        *_on("paramiko.ChannelFile", "read readline readlines write writelines flush "
                                     "__iter__ __next__"),
        "paramiko.SFTPClient.from_transport",
        *_on("paramiko.SFTPClient", "get put getfo putfo open listdir listdir_attr "
                                    "listdir_iter remove unlink rename posix_rename mkdir "
                                    "rmdir stat lstat symlink chmod chown utime truncate "
                                    "readlink normalize chdir"),
        *_on("paramiko.SFTPFile", "read readline readlines write writelines flush stat "
                                  "__iter__ __next__"),
        alternative="asyncssh",
    ),
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
