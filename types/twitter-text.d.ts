// twitter-text ships no typings; this declares what the desk uses. Only the default import works at run time (TOOLCHAIN.md).
declare module 'twitter-text' {
  export interface ParsedTweet {
    weightedLength: number;
    valid: boolean;
    permillage: number;
    validRangeStart: number;
    validRangeEnd: number;
    displayRangeStart: number;
    displayRangeEnd: number;
  }
  export interface EntityWithIndices {
    indices: [number, number];
    screenName?: string;
    listSlug?: string;
    url?: string;
    hashtag?: string;
    cashtag?: string;
  }
  const twitterText: {
    parseTweet(text: string): ParsedTweet;
    extractEntitiesWithIndices(text: string): EntityWithIndices[];
    modifyIndicesFromUTF16ToUnicode(text: string, entities: EntityWithIndices[]): void;
  };
  export default twitterText;
}
