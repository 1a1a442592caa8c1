// Reddit posts and YouTube videos need a title; other platforms leave it empty.
export default /* sql */ `
ALTER TABLE posts ADD COLUMN title text NOT NULL DEFAULT '';
`;
