/**
 * What each module stores about a person, found by their email: the privacy export
 * gathers every source's records, the erase asks every source to erase them. A module
 * that stores personal data (comments, mail subscriptions and deliveries...) provides
 * one source; the runtime hands the list to the privacy service.
 */
export interface PersonalDataSource {
  /** The section of the export this source fills, e.g. `comments`, `mailSubscriptions`. */
  readonly name: string;
  /** Everything stored about the address, as plain JSON-ready records. */
  export(email: string): Promise<unknown[]>;
  /**
   * Erases what is stored about the address and says how many records it erased or
   * anonymized. `comments` tells sources that hold comments whether to keep them as
   * tombstones in their threads or delete them.
   */
  erase(email: string, options: { comments: 'tombstone' | 'delete' }): Promise<number>;
}
