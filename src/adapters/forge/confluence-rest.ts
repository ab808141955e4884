/** The Confluence REST adapter lives in src/adapters/confluence/; this path stays for its importers. */
export {
  createConfluenceRest,
  mapLimited,
  multipartBody,
  plainTextToStorage,
  storageToPlainText,
  type ConfluenceRestOptions,
  type RequestFn,
  type RestHeaders,
  type RestInit,
  type RestResponse,
} from '../confluence';
