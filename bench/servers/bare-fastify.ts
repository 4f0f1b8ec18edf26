// Baseline 1: the least a Fastify server can do with a callback — parse the JSON body, answer 200.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/callbacks/kie/:token', async () => ({ status: 'received' }));
const port = (await app.listen({ host: '127.0.0.1', port: 0 }), (app.server.address() as { port: number }).port);
process.stdout.write(`READY http://127.0.0.1:${port}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
