import { parentPort, workerData } from 'node:worker_threads';
import { ReportSink, type ReportWriterOptions, type WriterMessage, type WriterReply } from './writer';

/** The worker thread of threadReportWriter: writes what it is sent, answers once at the end. */
const port = parentPort;
if (port) {
  const sink = new ReportSink(workerData as ReportWriterOptions);
  const reply = (r: WriterReply) => port.postMessage(r);
  let failed = false;
  port.on('message', (message: WriterMessage) => {
    if (failed) return;
    try {
      if (message.kind === 'add') sink.add(message.report, message.own);
      else {
        sink.finish(message.order);
        reply({ kind: 'done' });
      }
    } catch (error) {
      failed = true;
      reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
