import type { AddressInfo, Server, Socket } from "node:net";
import { createServer } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_3_0 = 196608;

/** Options of {@link PgliteWireServer}. */
export interface PgliteWireServerOptions {
  /** The database every connection shares. */
  db: PGlite;
  /** Interface to listen on. Default: 127.0.0.1 (never expose an auth-less server beyond loopback). */
  host?: string;
  /** TCP port; 0 picks a free one. Default: 0. */
  port?: number;
  /**
   * A client idle this long inside a transaction is rolled back and disconnected, because while it holds a
   * transaction nobody else can run (PostgreSQL's idle_in_transaction_session_timeout, made mandatory).
   * Default: 60 000 ms, well above Prisma's 5 s interactive-transaction timeout.
   */
  idleInTransactionTimeoutMs?: number;
}

/** One client connection's protocol state. */
interface Connection {
  readonly socket: Socket;
  /** Bytes received but not yet parsed into whole messages. */
  buffer: Buffer;
  started: boolean;
  /** Messages of the current extended-protocol batch, held until its Sync. */
  pending: Buffer[];
  /** Serialises this connection's batches in arrival order. */
  work: Promise<void>;
  /** The backend is inside a transaction this connection opened. */
  inTransaction: boolean;
  /** Armed while the connection sits idle inside its transaction. */
  idleTimer: NodeJS.Timeout | undefined;
  closed: boolean;
  /** Settles once the connection is closed and whatever it left open is rolled back. */
  finished: Promise<void>;
  markFinished: () => void;
}

/**
 * Serves one PGlite over the PostgreSQL wire protocol to many client connections (loopback, no auth).
 *
 * PGlite is a single session. @electric-sql/pglite-socket 0.2.17's multiplexer (`maxConnections` > 1) queues
 * each protocol MESSAGE separately, so two clients' Parse/Bind/Execute/Sync sequences interleave inside that one
 * session (a client binds the other's unnamed statement, or its messages are discarded after the other's
 * error); measured here: two processes with Prisma pools of 4 lost queries within 60 operations. This server
 * instead runs a client's messages up to and including Sync (or a simple Query) as one exclusive unit, and
 * while that client has a transaction open (ReadyForQuery status T or E) no other client runs at all; a client
 * that disconnects mid-transaction is rolled back. Connections still share session state: `SET`, named
 * prepared statements and startup options (`search_path`) are not per connection, so clients must not rely on
 * them (Prisma with adapter-pg does not).
 */
export class PgliteWireServer {
  private readonly db: PGlite;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly idleInTransactionTimeoutMs: number;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** The connection allowed to run now (its batch, or its whole open transaction). */
  private owner: Connection | undefined;
  private readonly waiters: (() => void)[] = [];
  private parameterStatus: Buffer = Buffer.alloc(0);
  private nextBackendPid = 1;

  constructor(options: PgliteWireServerOptions) {
    this.db = options.db;
    this.host = options.host ?? "127.0.0.1";
    this.requestedPort = options.port ?? 0;
    this.idleInTransactionTimeoutMs = options.idleInTransactionTimeoutMs ?? 60_000;
  }

  /** Starts listening; resolves with the bound port. */
  async start(): Promise<number> {
    const settings = await this.db.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN
         ('server_version', 'server_encoding', 'client_encoding', 'DateStyle', 'TimeZone',
          'integer_datetimes', 'standard_conforming_strings', 'IntervalStyle')`,
    );
    this.parameterStatus = Buffer.concat(
      settings.rows.map((r) => message("S", Buffer.concat([cstring(r.name), cstring(r.setting)]))),
    );
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops accepting, closes every connection (rolling back an open transaction) and waits for running work. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const open = [...this.connections];
    for (const conn of open) conn.socket.destroy();
    await Promise.all(open.map((c) => c.finished));
    await closing;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    let markFinished = () => {};
    const finished = new Promise<void>((resolve) => {
      markFinished = resolve;
    });
    const conn: Connection = {
      socket,
      buffer: Buffer.alloc(0),
      started: false,
      pending: [],
      work: Promise.resolve(),
      inTransaction: false,
      idleTimer: undefined,
      closed: false,
      finished,
      markFinished,
    };
    this.connections.add(conn);
    socket.on("data", (chunk) => {
      conn.buffer = Buffer.concat([conn.buffer, chunk]);
      this.enqueue(conn, () => this.drain(conn));
    });
    const close = () => {
      if (conn.closed) return;
      conn.closed = true;
      this.connections.delete(conn);
      this.enqueue(conn, () => this.abandon(conn));
      void conn.work.then(conn.markFinished);
    };
    socket.on("close", close);
    socket.on("error", close);
  }

  private enqueue(conn: Connection, task: () => Promise<void>): void {
    conn.work = conn.work.then(task).catch((error: unknown) => {
      conn.socket.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  /** Parses whole messages out of the buffer and runs every complete batch. */
  private async drain(conn: Connection): Promise<void> {
    for (;;) {
      if (!conn.started) {
        if (conn.buffer.length < 8) return;
        const length = conn.buffer.readInt32BE(0);
        if (conn.buffer.length < length) return;
        const code = conn.buffer.readInt32BE(4);
        conn.buffer = conn.buffer.subarray(length);
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          conn.socket.write("N");
        } else if (code === CANCEL_REQUEST_CODE) {
          // PGlite cannot interrupt a running statement; the protocol expects no answer.
          conn.socket.end();
          return;
        } else if (code === PROTOCOL_3_0) {
          conn.started = true;
          this.greet(conn);
        } else {
          conn.socket.end(errorResponse("08P01", `unsupported frontend protocol ${code}`));
          return;
        }
        continue;
      }
      if (conn.buffer.length < 5) return;
      const length = 1 + conn.buffer.readInt32BE(1);
      if (conn.buffer.length < length) return;
      const msg = conn.buffer.subarray(0, length);
      conn.buffer = conn.buffer.subarray(length);
      const type = String.fromCharCode(msg[0]!);
      if (type === "X") {
        conn.socket.end();
        return;
      }
      conn.pending.push(msg);
      // Sync and Query end a unit of work; Flush asks for the output so far but keeps the unit open.
      if (type === "S" || type === "Q" || type === "H") {
        const batch = conn.pending;
        conn.pending = [];
        await this.run(conn, batch, type !== "H");
      }
    }
  }

  /** Startup reply: trust authentication, the server's parameters, ReadyForQuery. */
  private greet(conn: Connection): void {
    const keyData = Buffer.alloc(8);
    keyData.writeInt32BE(this.nextBackendPid++, 0);
    keyData.writeInt32BE(0, 4);
    conn.socket.write(
      Buffer.concat([message("R", int32(0)), this.parameterStatus, message("K", keyData), readyForQuery("I")]),
    );
  }

  private async acquire(conn: Connection): Promise<void> {
    while (this.owner !== undefined && this.owner !== conn) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.owner = conn;
  }

  private release(conn: Connection): void {
    if (this.owner !== conn) return;
    this.owner = undefined;
    this.waiters.shift()?.();
  }

  /** Runs one unit exclusively; keeps the database for this connection while its transaction is open. */
  private async run(conn: Connection, batch: Buffer[], endsUnit: boolean): Promise<void> {
    clearTimeout(conn.idleTimer);
    await this.acquire(conn);
    try {
      // The whole unit goes to the backend in one call (PGlite's wire loop handles several messages), 5x faster
      // than a call per message. No syncToFs per unit: with a data folder PGlite mounts Emscripten's NODEFS,
      // which writes through to the real files as it goes, so syncToFs adds ~12 ms per unit and no durability.
      const reply = Buffer.from(
        await this.db.runExclusive(() =>
          this.db.execProtocolRaw(new Uint8Array(Buffer.concat(batch)), { syncToFs: false }),
        ),
      );
      const status = lastReadyStatus(reply);
      if (status !== undefined) conn.inTransaction = status !== "I";
      if (!conn.closed) conn.socket.write(reply);
    } finally {
      if (endsUnit && !conn.inTransaction) this.release(conn);
      if (conn.inTransaction) {
        conn.idleTimer = setTimeout(() => {
          conn.socket.destroy(new Error("idle in transaction too long: rolled back"));
        }, this.idleInTransactionTimeoutMs);
        conn.idleTimer.unref();
      }
    }
  }

  /** A connection went away: roll back what it left open and let the others run. */
  private async abandon(conn: Connection): Promise<void> {
    clearTimeout(conn.idleTimer);
    if (this.owner !== conn) return;
    try {
      if (conn.inTransaction || conn.pending.length) {
        await this.db.runExclusive(async () => {
          // An unfinished extended-protocol unit first needs its Sync, then the transaction is rolled back.
          await this.db.execProtocolRaw(new Uint8Array(message("S", Buffer.alloc(0))));
          await this.db.execProtocolRaw(new Uint8Array(message("Q", cstring("ROLLBACK"))));
        });
      }
    } finally {
      conn.inTransaction = false;
      this.release(conn);
    }
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type, "ascii"), int32(body.length + 4), body]);
}

function readyForQuery(status: "I" | "T" | "E"): Buffer {
  return message("Z", Buffer.from(status, "ascii"));
}

function errorResponse(code: string, text: string): Buffer {
  return message(
    "E",
    Buffer.concat([Buffer.from("SERROR\0", "ascii"), Buffer.from(`C${code}\0`), cstring(`M${text}`), Buffer.from([0])]),
  );
}

/** The transaction status of the last ReadyForQuery ('Z') in a backend reply, if it has one. */
function lastReadyStatus(reply: Buffer): "I" | "T" | "E" | undefined {
  let status: "I" | "T" | "E" | undefined;
  for (let i = 0; i + 5 <= reply.length;) {
    const length = reply.readInt32BE(i + 1);
    if (reply[i] === 0x5a && length === 5) status = String.fromCharCode(reply[i + 5]!) as "I" | "T" | "E";
    i += 1 + length;
  }
  return status;
}
