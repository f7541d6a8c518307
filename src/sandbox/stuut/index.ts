export type {
  RecordedRequest,
  StuutContact,
  StuutEmulatorOptions,
  StuutFault,
} from './emulator';
export { StuutEmulator } from './emulator';
export { seedContacts } from './seed';
