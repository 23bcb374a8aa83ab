"""Database drivers and clients (sync APIs only): SQL, Redis, Memcached, MongoDB,
Elasticsearch, Neo4j.

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks

# redis-py command methods (redis.commands.core + sentinel mixins of `redis.Redis`), each
# one round trip to the server.  Excluded on purpose: `pipeline`, `pubsub`, `lock`,
# `register_script`, `bitfield`, `monitor` and `client`, which only build objects.
_REDIS_COMMANDS = """
acl_cat acl_deluser acl_dryrun acl_genpass acl_getuser acl_help acl_list acl_load acl_log
acl_log_reset acl_save acl_setuser acl_users acl_whoami append auth bgrewriteaof bgsave bitcount
bitfield_ro bitop bitpos blmove blmovem blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin
client_getname client_getredir client_id client_info client_kill client_kill_filter client_list
client_no_evict client_no_touch client_pause client_reply client_setinfo client_setname
client_tracking client_tracking_off client_tracking_on client_trackinginfo client_unblock
client_unpause cluster command command_count command_getkeys command_getkeysandflags
command_list config_get config_resetstat config_rewrite config_set copy dbsize debug_object decr
decrby delete delex digest dump echo eval eval_ro evalsha evalsha_ro execute_command exists
expire expireat expiretime fcall fcall_ro flushall flushdb function_delete function_dump
function_flush function_kill function_list function_load function_restore function_stats geoadd
geodist geohash geopos georadius georadiusbymember geosearch geosearchstore get getbit getdel
getex getrange getset hdel hexists hexpire hexpireat hexpiretime hget hgetall hgetdel hgetex
hincrby hincrbyfloat hkeys hlen hmget hmset hpersist hpexpire hpexpireat hpexpiretime hpttl
hrandfield hscan hscan_iter hset hsetex hsetnx hstrlen httl hvals incr incrby incrbyfloat info
keys lastsave latency_history latency_latest latency_reset lcs lindex linsert llen lmove lmpop
lolwut lpop lpos lpush lpushx lrange lrem lset ltrim memory_malloc_stats memory_purge
memory_stats memory_usage mget migrate module_list module_load module_loadex module_unload move
mset msetnx object persist pexpire pexpireat pexpiretime pfadd pfcount pfmerge ping psetex psync
pttl publish pubsub_channels pubsub_numpat pubsub_numsub pubsub_shardchannels pubsub_shardnumsub
quit randomkey readonly readwrite rename renamenx replicaof reset restore role rpop rpoplpush
rpush rpushx sadd save scan scan_iter scard script_exists script_flush script_kill script_load
sdiff sdiffstore select sentinel sentinel_ckquorum sentinel_failover sentinel_flushconfig
sentinel_get_master_addr_by_name sentinel_master sentinel_masters sentinel_monitor
sentinel_remove sentinel_reset sentinel_sentinels sentinel_set sentinel_slaves set setbit setex
setnx setrange shutdown sinter sintercard sinterstore sismember slaveof slowlog_get slowlog_len
slowlog_reset smembers smismember smove sort sort_ro spop spublish srandmember srem sscan
sscan_iter stralgo strlen substr sunion sunionstore swapdb sync time touch transaction ttl type
unlink unwatch wait waitaof watch xack xadd xautoclaim xclaim xdel xgroup_create
xgroup_createconsumer xgroup_delconsumer xgroup_destroy xgroup_setid xinfo_consumers
xinfo_groups xinfo_stream xlen xpending xpending_range xrange xread xreadgroup xrevrange xtrim
zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore zlexcount zmpop
zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore zrank zrem
zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore
zrevrank zscan zscan_iter zscore zunion zunionstore
"""

# elasticsearch-py: every API method of the sync client is one HTTP request.
_ES_ROOT = """
bulk clear_scroll close_point_in_time count create delete delete_by_query delete_script exists
exists_source explain field_caps get get_script get_source health_report index info mget
msearch msearch_template mtermvectors open_point_in_time ping put_script rank_eval reindex
render_search_template scripts_painless_execute scroll search search_mvt search_shards
search_template terms_enum termvectors update update_by_query
"""
_ES_NAMESPACES = {
    "IndicesClient": """
        add_block analyze clear_cache clone close create create_data_stream delete delete_alias
        delete_data_stream delete_index_template delete_template disk_usage downsample exists
        exists_alias exists_index_template exists_template flush forcemerge get get_alias
        get_data_stream get_field_mapping get_index_template get_mapping get_settings
        get_template open put_alias put_index_template put_mapping put_settings put_template
        recovery refresh reload_search_analyzers resolve_index rollover segments shard_stores
        shrink simulate_index_template simulate_template split stats update_aliases
        validate_query""",
    "ClusterClient": """
        allocation_explain delete_component_template exists_component_template
        get_component_template get_settings health info pending_tasks put_component_template
        put_settings remote_info reroute state stats""",
    "CatClient": """
        aliases allocation component_templates count fielddata health help indices master
        nodeattrs nodes pending_tasks plugins recovery repositories segments shards snapshots
        tasks templates thread_pool""",
    "IngestClient": "delete_pipeline get_pipeline processor_grok put_pipeline simulate",
    "TasksClient": "cancel get list",
    "SnapshotClient": """
        cleanup_repository clone create create_repository delete delete_repository get
        get_repository restore status verify_repository""",
    "NodesClient": "hot_threads info reload_secure_settings stats usage",
    "SqlClient": "clear_cursor delete_async get_async get_async_status query translate",
    "EsqlClient": "async_query async_query_delete async_query_get query",
}

SINKS: tuple[Sink, ...] = (
    # ---------------------------------------------------------------- database ---
    # sqlite3: every statement runs the VM against the database file.
    *_sinks(
        "database",
        "sqlite3.connect",
        *_on("sqlite3.Connection", "execute executemany executescript commit rollback "
                                   "backup iterdump blobopen __exit__"),
        *_on("sqlite3.Cursor", "execute executemany executescript fetchone fetchall "
                               "fetchmany __iter__ __next__"),
        alternative="aiosqlite",
    ),
    # PostgreSQL: psycopg2 and psycopg 3 (sync API; `psycopg.AsyncConnection` is async).
    # fetch* is listed for every DB-API cursor: server-side / unbuffered cursors read
    # from the network there, buffered ones only drain memory after `execute`.
    *_sinks(
        "database",
        "psycopg2.connect",
        *_on("psycopg2.extensions.connection", "commit rollback tpc_commit tpc_rollback "
                                               "__exit__"),
        *_on("psycopg2.extensions.cursor", "execute executemany callproc fetchone fetchmany "
                                           "fetchall copy_from copy_to copy_expert"),
        "psycopg2.extras.execute_values", "psycopg2.extras.execute_batch",
        "psycopg2.pool.AbstractConnectionPool.getconn",
        alternative="asyncpg / psycopg.AsyncConnection",
    ),
    *_sinks(
        "database",
        "psycopg.connect", "psycopg.Connection.connect",
        *_on("psycopg.Connection", "execute commit rollback __exit__"),
        *_on("psycopg.Cursor", "execute executemany fetchone fetchmany fetchall copy stream "
                               "__iter__ __next__"),
        "psycopg.Transaction.__enter__", "psycopg.Transaction.__exit__",
        *_on("psycopg_pool.ConnectionPool", "getconn connection wait"),
        alternative="psycopg.AsyncConnection",
    ),
    # MySQL: PyMySQL (its `Connection()` constructor connects) and mysql-connector.
    *_sinks(
        "database",
        "pymysql.Connection", "pymysql.connect", "pymysql.Connect",
        *_on("pymysql.Connection", "commit rollback begin ping select_db query "
                                   "next_result connect"),
        *_on("pymysql.cursors.Cursor", "execute executemany callproc fetchone fetchmany "
                                       "fetchall nextset"),
        *_on("pymysql.cursors.SSCursor", "__iter__ __next__"),
        "mysql.connector.connect", "mysql.connector.pooling.connect",
        "mysql.connector.MySQLConnection", "mysql.connector.CMySQLConnection",
        *_on("mysql.connector.abstracts.MySQLConnectionAbstract",
             "commit rollback cmd_query ping reconnect start_transaction"),
        *_on("mysql.connector.abstracts.MySQLCursorAbstract",
             "execute executemany callproc fetchone fetchmany fetchall nextset"),
        "mysql.connector.pooling.MySQLConnectionPool.get_connection",
        alternative="aiomysql / asyncmy",
    ),
    # Other SQL drivers.
    *_sinks(
        "database",
        "pyodbc.connect", *_on("pyodbc.Connection", "execute commit rollback"),
        *_on("pyodbc.Cursor", "execute executemany fetchone fetchmany fetchall fetchval"),
        "oracledb.connect", *_on("oracledb.Connection", "commit rollback ping"),
        *_on("oracledb.Cursor", "execute executemany callproc fetchone fetchmany fetchall"),
        *_on("clickhouse_driver.Client", "execute execute_iter query_dataframe"),
        *_on("cassandra.cluster.Cluster", "connect"),
        *_on("cassandra.cluster.Session", "execute prepare"),
        "cassandra.cluster.ResponseFuture.result",
    ),
    # SQLAlchemy (sync Engine/Connection/Session; `sqlalchemy.ext.asyncio` is async).
    # `Session.query()` only builds a Query: the Query's terminal methods are the sinks.
    *_sinks(
        "database",
        *_on("sqlalchemy.engine.Engine", "connect begin raw_connection execute scalar"),
        *_on("sqlalchemy.engine.Connection", "execute exec_driver_sql scalar scalars commit "
                                             "rollback"),
        *_on("sqlalchemy.orm.Session", "execute scalar scalars get get_one commit flush "
                                       "refresh merge rollback connection "
                                       "bulk_save_objects bulk_insert_mappings "
                                       "bulk_update_mappings"),
        *_on("sqlalchemy.orm.Query", "all first one one_or_none scalar count get delete "
                                     "update value values __iter__"),
        "sqlmodel.Session.exec",
        # `with session.begin():` commits on exit.
        "sqlalchemy.orm.SessionTransaction.__exit__",
        alternative="sqlalchemy.ext.asyncio.AsyncSession",
    ),
    # Redis (sync client; `redis.asyncio` is async).
    *_sinks(
        "database",
        *_on("redis.Redis", _REDIS_COMMANDS),
        "redis.RedisCluster",
        *_on("redis.Pipeline", "execute watch unwatch"),
        *_on("redis.PubSub", "subscribe psubscribe ssubscribe unsubscribe punsubscribe "
                             "sunsubscribe get_message listen ping execute_command"),
        *_on("redis.lock.Lock", "acquire release extend reacquire locked owned __enter__ "
                                "__exit__"),
        "redis.sentinel.Sentinel.discover_master", "redis.sentinel.Sentinel.discover_slaves",
        alternative="redis.asyncio.Redis",
    ),
    # Memcached: pymemcache.
    *_sinks(
        "database",
        *_on("pymemcache.client.base.Client", "get get_many gets set set_many add replace "
                                              "append prepend cas delete delete_many incr "
                                              "decr touch flush_all stats version"),
        alternative="aiomcache",
    ),
    # MongoDB: pymongo (sync; `pymongo.AsyncMongoClient` and motor are async).
    # `Collection.find()`/`find_raw_batches()` are lazy: the Cursor's iteration is the sink.
    *_sinks(
        "database",
        *_on("pymongo.MongoClient", "list_database_names list_databases drop_database "
                                    "server_info start_session watch bulk_write"),
        *_on("pymongo.database.Database", "list_collection_names list_collections "
                                          "create_collection drop_collection command "
                                          "cursor_command validate_collection aggregate "
                                          "watch dereference"),
        *_on("pymongo.collection.Collection",
             "insert_one insert_many replace_one update_one update_many delete_one "
             "delete_many find_one find_one_and_delete find_one_and_replace "
             "find_one_and_update count_documents estimated_document_count distinct "
             "aggregate aggregate_raw_batches bulk_write create_index create_indexes "
             "drop_index drop_indexes list_indexes index_information drop rename options "
             "watch create_search_index create_search_indexes drop_search_index "
             "update_search_index list_search_indexes"),
        *_each("pymongo.cursor.Cursor pymongo.command_cursor.CommandCursor",
               "__iter__ __next__ next to_list try_next close"),
        *_on("pymongo.cursor.Cursor", "distinct explain"),
        *_on("pymongo.client_session.ClientSession", "commit_transaction abort_transaction "
                                                     "with_transaction end_session"),
        *_on("pymongo.change_stream.ChangeStream", "__iter__ __next__ next try_next"),
        *_on("gridfs.GridFS", "put get get_version get_last_version delete list find_one "
                              "exists"),
        *_on("gridfs.GridOut", "read readline readchunk __iter__ __next__"),
        *_on("gridfs.GridFSBucket", "upload_from_stream upload_from_stream_with_id "
                                    "download_to_stream download_to_stream_by_name "
                                    "open_download_stream open_download_stream_by_name "
                                    "delete rename"),
        alternative="pymongo.AsyncMongoClient",
    ),
    # Elasticsearch (sync client; `elasticsearch.AsyncElasticsearch` is async).
    *_sinks(
        "database",
        *_on("elasticsearch.Elasticsearch", _ES_ROOT),
        *(name for ns, ms in _ES_NAMESPACES.items()
          for name in _on("elasticsearch.client." + ns, ms)),
        *_on("elasticsearch.helpers", "bulk streaming_bulk parallel_bulk scan reindex"),
        alternative="elasticsearch.AsyncElasticsearch",
    ),
    # Neo4j (sync driver; `neo4j.AsyncGraphDatabase` is async).
    *_sinks(
        "database",
        *_on("neo4j.Driver", "execute_query verify_connectivity"),
        *_on("neo4j.Session", "run execute_read execute_write read_transaction "
                              "write_transaction begin_transaction"),
        *_on("neo4j.Result", "data single consume fetch peek value values __iter__ "
                             "__next__"),
        alternative="neo4j.AsyncGraphDatabase",
    ),
    # pandas <-> SQL.
    *_sinks("database", "pandas.read_sql", "pandas.read_sql_query", "pandas.read_sql_table",
            "pandas.DataFrame.to_sql"),

)
