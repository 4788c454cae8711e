/** What other modules use of imports: receiving an uploaded file as imports do (streamed, size-checked). */
export { receiveUpload } from './upload-import';
