import 'dotenv/config';
import { buildApp } from './app';
import { startInboundSmtp } from './modules/conversations/inbound-smtp';
import { ensureDemoWorkspace } from './demo';
import { developmentExposureWarning } from './modules/dev/development-warning';
import { startPlatform } from './platform/boot';
import { ConfigError, loadConfig } from './platform/config';
import { createLogger, flushLogs } from './platform/logger';

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const platform = await startPlatform(config, logger);
  const app = await buildApp(platform.services);

  // CONV-6: customers' email reaches the inbox here when the operator turns the receiver on.
  const inboundSmtp = config.INBOUND_SMTP_PORT === undefined ? null : await startInboundSmtp(platform.services, { port: config.INBOUND_SMTP_PORT, host: config.INBOUND_SMTP_HOST });
  if (inboundSmtp) logger.info({ port: inboundSmtp.port, domain: config.INBOUND_MAIL_DOMAIN }, 'inbound SMTP receiver listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await inboundSmtp?.close().catch(() => {});
    await app.close().catch(() => {});
    await platform.shutdown();
    // Decision 020: lines still buffered are written before the process ends.
    await flushLogs(logger);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const demo = config.demoWorkspace ? await ensureDemoWorkspace(platform.services) : null;
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  const lines = [
    '',
    `  Kestrel is ready at ${url}  (${Math.round(performance.now() - startedAt)} ms)`,
    ...(demo ? [`  Demo login: ${demo.email} / ${demo.password}`] : []),
    ...(platform.services.mail.transport.name !== 'none'
      ? []
      : config.isProduction
        ? ['  No mail server configured: no email (sign-in codes, invitations, resets) reaches anyone. Set SMTP_URL or RESEND_API_KEY.']
        : [`  No mail server configured: emails appear at ${url}/dev/mailbox${demo ? ' (signed in as the demo login)' : ' (for the operator: kestrel user operator)'}`]),
    `  API docs: ${url}/api/docs`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // After the ready lines, so that it is the last thing on the screen.
  const exposure = developmentExposureWarning(config);
  if (exposure) process.stderr.write(`${exposure}\n`);
  logger.info({ url, readyMs: Math.round(performance.now() - startedAt) }, 'ready');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
