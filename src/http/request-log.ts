// Fastify's per-request lines ("incoming request", "request completed") at debug instead of info: trying every
// playground command once wrote 1,036 request lines among 1,165, hiding the job lines people read the log for.
// Errors keep their level. The request serializer (src/ops/logger.ts) still masks callback tokens.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class QuietRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
