// The detector is shared with the server (packages/contracts): the composer warns about exactly what the
// server refuses.
export {
  findPersonalData,
  passesLuhn,
  personalDataKinds,
  type BrandContacts,
  type PersonalDataKind,
  type PersonalDataMatch,
} from '@guichet/contracts';
